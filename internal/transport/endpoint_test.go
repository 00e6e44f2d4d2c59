package transport

import (
	"errors"
	"net"
	"net/netip"
	"strings"
	"testing"
)

// parseMode selects which of the three parsers a table row exercises.
type parseMode int

const (
	anyMode parseMode = iota
	bindMode
	connectMode
)

func (m parseMode) parse(s string) (Endpoint, error) {
	switch m {
	case bindMode:
		return ParseBind(s)
	case connectMode:
		return ParseConnect(s)
	}
	return Parse(s)
}

func (m parseMode) String() string {
	return [...]string{"Parse", "ParseBind", "ParseConnect"}[m]
}

var (
	path107 = "/" + strings.Repeat("p", 106)
	path108 = "/" + strings.Repeat("p", 107)
)

var parseTests = []struct {
	in      string
	mode    parseMode
	want    Endpoint
	wantErr string // substring of the reason; "" means success
}{
	// tcp, good
	{in: "tcp://127.0.0.1:5555", want: Endpoint{Transport: "tcp", Address: "127.0.0.1:5555"}},
	{in: "tcp://[::1]:5555", want: Endpoint{Transport: "tcp", Address: "[::1]:5555"}},
	{in: "tcp://[fe80::1%eth0]:5555", want: Endpoint{Transport: "tcp", Address: "[fe80::1%eth0]:5555"}},
	{in: "tcp://[::ffff:127.0.0.1]:1", want: Endpoint{Transport: "tcp", Address: "[::ffff:127.0.0.1]:1"}},
	{in: "tcp://localhost:5555", want: Endpoint{Transport: "tcp", Address: "localhost:5555"}},
	{in: "tcp://example.com:80", want: Endpoint{Transport: "tcp", Address: "example.com:80"}},
	{in: "tcp://*:5555", want: Endpoint{Transport: "tcp", Address: "*:5555"}},
	{in: "tcp://*:*", want: Endpoint{Transport: "tcp", Address: "*:*"}},
	{in: "tcp://127.0.0.1:*", want: Endpoint{Transport: "tcp", Address: "127.0.0.1:*"}},
	{in: "tcp://[::1]:*", want: Endpoint{Transport: "tcp", Address: "[::1]:*"}},
	{in: "tcp://127.0.0.1:0", want: Endpoint{Transport: "tcp", Address: "127.0.0.1:0"}},
	{in: "tcp://127.0.0.1:65535", want: Endpoint{Transport: "tcp", Address: "127.0.0.1:65535"}},
	{in: "tcp://eth0:5555", want: Endpoint{Transport: "tcp", Address: "eth0:5555"}},

	// ipc and inproc, good
	{in: "ipc:///tmp/x.sock", want: Endpoint{Transport: "ipc", Address: "/tmp/x.sock"}},
	{in: "ipc://relative.sock", want: Endpoint{Transport: "ipc", Address: "relative.sock"}},
	{in: "ipc://@name", want: Endpoint{Transport: "ipc", Address: "@name"}},
	{in: "ipc://*", want: Endpoint{Transport: "ipc", Address: "*"}},
	{in: "ipc://" + path107, want: Endpoint{Transport: "ipc", Address: path107}},
	{in: "ipc://@" + path107[1:], want: Endpoint{Transport: "ipc", Address: "@" + path107[1:]}},
	{in: "inproc://name", want: Endpoint{Transport: "inproc", Address: "name"}},
	{in: "inproc://a/b:c*", want: Endpoint{Transport: "inproc", Address: "a/b:c*"}},
	{in: "udp://127.0.0.1:5555", want: Endpoint{Transport: "udp", Address: "127.0.0.1:5555"}},
	{in: "udp://*:5555", want: Endpoint{Transport: "udp", Address: "*:5555"}},
	{in: "udp://*:5555", mode: connectMode, wantErr: `"*" (all interfaces) is only valid for bind`},
	{in: "udp://127.0.0.1:0", mode: connectMode, wantErr: "port 0 is only valid for bind"},
	{in: "udp://eth0;239.0.0.1:5555", wantErr: "source address"},

	// ws and wss, good: tcp's host and port, then an optional path
	{in: "ws://127.0.0.1:5555", want: Endpoint{Transport: "ws", Address: "127.0.0.1:5555"}},
	{in: "ws://127.0.0.1:5555/zmq", want: Endpoint{Transport: "ws", Address: "127.0.0.1:5555/zmq"}},
	{in: "ws://127.0.0.1:*/a/b-c_d.e~f%20", want: Endpoint{Transport: "ws", Address: "127.0.0.1:*/a/b-c_d.e~f%20"}},
	{in: "ws://[::1]:5555/", want: Endpoint{Transport: "ws", Address: "[::1]:5555/"}},
	{in: "wss://example.com:443/zmq", want: Endpoint{Transport: "wss", Address: "example.com:443/zmq"}},
	{in: "ws://*:*/zmq", mode: bindMode, want: Endpoint{Transport: "ws", Address: "*:*/zmq"}},
	{in: "ws://localhost:80/x", mode: connectMode, want: Endpoint{Transport: "ws", Address: "localhost:80/x"}},

	// ws and wss, malformed
	{in: "ws://127.0.0.1/zmq", wantErr: "missing port"},
	{in: "ws://::1:5555/zmq", wantErr: "must be in brackets"},
	{in: "ws://127.0.0.1:5555/a b", wantErr: "invalid character"},
	{in: "ws://127.0.0.1:5555/a?q=1", wantErr: "invalid character"},
	{in: "ws://127.0.0.1:5555/a#top", wantErr: "invalid character"},
	{in: "wss://127.0.0.1:*/zmq", mode: connectMode, wantErr: `"*" (ephemeral port) is only valid for bind`},
	{in: "ws://*:5555", mode: connectMode, wantErr: `"*" (all interfaces) is only valid for bind`},
	{in: "ws://127.0.0.1:0/x", mode: connectMode, wantErr: "port 0 is only valid for bind"},

	// malformed whatever the mode
	{in: "", wantErr: `missing "://"`},
	{in: "127.0.0.1:5555", wantErr: `missing "://"`},
	{in: "tcp:/127.0.0.1:5555", wantErr: `missing "://"`},
	{in: "://x", wantErr: "missing transport"},
	{in: "norm://127.0.0.1:5555", wantErr: `unsupported transport "norm"`},
	{in: "pgm://eth0;239.192.1.1:5555", wantErr: `unsupported transport "pgm"`},
	{in: "TCP://127.0.0.1:5555", wantErr: `unsupported transport "TCP"`},
	{in: "tcp://", wantErr: "empty address"},
	{in: "ipc://", wantErr: "empty address"},
	{in: "inproc://", wantErr: "empty address"},
	{in: "tcp://127.0.0.1", wantErr: "missing port"},
	{in: "tcp://127.0.0.1:", wantErr: "missing port"},
	{in: "tcp://[::1]", wantErr: "missing port"},
	{in: "tcp://[::1]5555", wantErr: "missing port"},
	{in: "tcp://[::1:5555", wantErr: `missing "]"`},
	{in: "tcp://:5555", wantErr: "missing host"},
	{in: "tcp://[]:5555", wantErr: "not an IPv6 address"},
	{in: "tcp://[127.0.0.1]:5555", wantErr: "not an IPv6 address"},
	{in: "tcp://[localhost]:5555", wantErr: "not an IPv6 address"},
	{in: "tcp://::1:5555", wantErr: "must be in brackets"},
	{in: "tcp://127.0.0.1:65536", wantErr: "out of range"},
	{in: "tcp://127.0.0.1:99999999999999999999", wantErr: "out of range"},
	{in: "tcp://127.0.0.1:-1", wantErr: `invalid port "-1"`},
	{in: "tcp://127.0.0.1:+5", wantErr: `invalid port "+5"`},
	{in: "tcp://127.0.0.1: 5", wantErr: `invalid port " 5"`},
	{in: "tcp://127.0.0.1:5a", wantErr: `invalid port "5a"`},
	{in: "tcp://127.0.0.1:**", wantErr: `invalid port "**"`},
	{in: "tcp://a b:5555", wantErr: "invalid character"},
	{in: "tcp://a/b:5555", wantErr: "invalid character"},
	{in: "tcp://10.0.0.1;127.0.0.1:5555", wantErr: "missing port"},
	{in: "tcp://127.0.0.2:0;127.0.0.1:5555", mode: connectMode, want: Endpoint{Transport: "tcp", Address: "127.0.0.1:5555", Source: "127.0.0.2:0"}},
	{in: "tcp://lo:*;localhost:5555", want: Endpoint{Transport: "tcp", Address: "localhost:5555", Source: "lo:*"}},
	{in: "tcp://127.0.0.2:0;127.0.0.1:5555", mode: bindMode, wantErr: "for connect only"},
	{in: "tcp://127.0.0.2:0;127.0.0.3:0;127.0.0.1:5555", wantErr: "more than one source address"},
	{in: "tcp://127.0.0.2:x;127.0.0.1:5555", wantErr: "invalid port"},
	{in: "tcp://" + strings.Repeat("a", 254) + ":1", wantErr: "host name too long"},
	{in: "ipc://@", wantErr: "empty abstract socket name"},
	{in: "ipc://a\x00b", wantErr: "NUL byte"},
	{in: "ipc://" + path108, wantErr: "longer than the 107-byte unix socket limit"},
	{in: "ipc://@" + path108[1:], wantErr: "longer than the 107-byte unix socket limit"},

	// bind rules
	{in: "tcp://*:5555", mode: bindMode, want: Endpoint{Transport: "tcp", Address: "*:5555"}},
	{in: "tcp://*:*", mode: bindMode, want: Endpoint{Transport: "tcp", Address: "*:*"}},
	{in: "tcp://[::1]:*", mode: bindMode, want: Endpoint{Transport: "tcp", Address: "[::1]:*"}},
	{in: "tcp://localhost:0", mode: bindMode, want: Endpoint{Transport: "tcp", Address: "localhost:0"}},
	{in: "ipc://*", mode: bindMode, want: Endpoint{Transport: "ipc", Address: "*"}},
	{in: "ipc://@name", mode: bindMode, want: Endpoint{Transport: "ipc", Address: "@name"}},
	{in: "inproc://name", mode: bindMode, want: Endpoint{Transport: "inproc", Address: "name"}},
	{in: "tcp://127.0.0.1", mode: bindMode, wantErr: "missing port"},

	// connect rules
	{in: "tcp://127.0.0.1:5555", mode: connectMode, want: Endpoint{Transport: "tcp", Address: "127.0.0.1:5555"}},
	{in: "tcp://[::1]:5555", mode: connectMode, want: Endpoint{Transport: "tcp", Address: "[::1]:5555"}},
	{in: "tcp://localhost:5555", mode: connectMode, want: Endpoint{Transport: "tcp", Address: "localhost:5555"}},
	{in: "tcp://lo:5555", mode: connectMode, want: Endpoint{Transport: "tcp", Address: "lo:5555"}}, // a host name when connecting, as in libzmq
	{in: "ipc:///tmp/x.sock", mode: connectMode, want: Endpoint{Transport: "ipc", Address: "/tmp/x.sock"}},
	{in: "ipc://@name", mode: connectMode, want: Endpoint{Transport: "ipc", Address: "@name"}},
	{in: "inproc://name", mode: connectMode, want: Endpoint{Transport: "inproc", Address: "name"}},
	{in: "tcp://*:5555", mode: connectMode, wantErr: `"*" (all interfaces) is only valid for bind`},
	{in: "tcp://127.0.0.1:*", mode: connectMode, wantErr: `"*" (ephemeral port) is only valid for bind`},
	{in: "tcp://127.0.0.1:0", mode: connectMode, wantErr: "port 0 is only valid for bind"},
	{in: "tcp://127.0.0.1:000", mode: connectMode, wantErr: "port 0 is only valid for bind"},
	{in: "ipc://*", mode: connectMode, wantErr: `"*" (temporary path) is only valid for bind`},
	{in: "ipc://" + path108, mode: connectMode, wantErr: "unix socket limit"},
}

func TestParse(t *testing.T) {
	for _, tt := range parseTests {
		got, err := tt.mode.parse(tt.in)
		if tt.wantErr != "" {
			if err == nil {
				t.Errorf("%v(%q) = %+v, want error containing %q", tt.mode, tt.in, got, tt.wantErr)
				continue
			}
			if !errors.Is(err, ErrEndpoint) {
				t.Errorf("%v(%q) error %q does not wrap ErrEndpoint", tt.mode, tt.in, err)
			}
			if !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("%v(%q) error %q, want it to contain %q", tt.mode, tt.in, err, tt.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("%v(%q): unexpected error %v", tt.mode, tt.in, err)
			continue
		}
		if got != tt.want {
			t.Errorf("%v(%q) = %+v, want %+v", tt.mode, tt.in, got, tt.want)
		}
		if tt.mode == anyMode && got.String() != tt.in {
			t.Errorf("Parse(%q).String() = %q", tt.in, got.String())
		}
	}
}

func loopbackInterface(t testing.TB) *net.Interface {
	t.Helper()
	ifs, err := net.Interfaces()
	if err != nil {
		t.Fatalf("net.Interfaces: %v", err)
	}
	for i := range ifs {
		if ifs[i].Flags&net.FlagLoopback != 0 && ifs[i].Flags&net.FlagUp != 0 {
			return &ifs[i]
		}
	}
	t.Skip("no loopback interface is up on this machine")
	return nil
}

func TestParseBindInterface(t *testing.T) {
	lo := loopbackInterface(t)
	for _, port := range []string{"5555", "*"} {
		ep, err := ParseBind("tcp://" + lo.Name + ":" + port)
		if err != nil {
			t.Fatalf("ParseBind: %v", err)
		}
		host, gotPort, err := net.SplitHostPort(ep.Address)
		if err != nil {
			t.Fatalf("ParseBind gave address %q: %v", ep.Address, err)
		}
		ip, err := netip.ParseAddr(host)
		if err != nil || !ip.IsLoopback() || gotPort != port {
			t.Errorf("ParseBind(tcp://%s:%s) = %v, want a loopback address and port %s", lo.Name, port, ep, port)
		}
		// Where the interface has IPv4, libzmq (without ZMQ_IPV6) binds that.
		if ip.Is6() && hasIPv4(lo) {
			t.Errorf("ParseBind(tcp://%s:%s) = %v, want the interface's IPv4 address", lo.Name, port, ep)
		}
	}
}

func hasIPv4(ifi *net.Interface) bool {
	addrs, _ := ifi.Addrs()
	for _, a := range addrs {
		if ipn, ok := a.(*net.IPNet); ok && ipn.IP.To4() != nil {
			return true
		}
	}
	return false
}

func FuzzParse(f *testing.F) {
	for _, tt := range parseTests {
		f.Add(tt.in)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ep, err := Parse(s)
		if err != nil {
			if !errors.Is(err, ErrEndpoint) {
				t.Fatalf("Parse(%q) error %v does not wrap ErrEndpoint", s, err)
			}
		} else {
			if ep.String() != s {
				t.Fatalf("Parse(%q).String() = %q", s, ep.String())
			}
			switch ep.Transport {
			case TCP, IPC, Inproc, UDP, WS, WSS:
			default:
				t.Fatalf("Parse(%q) gave transport %q", s, ep.Transport)
			}
		}
		for _, mode := range []parseMode{bindMode, connectMode} {
			mep, merr := mode.parse(s)
			if merr != nil {
				if !errors.Is(merr, ErrEndpoint) {
					t.Fatalf("%v(%q) error %v does not wrap ErrEndpoint", mode, s, merr)
				}
				continue
			}
			if err != nil {
				t.Fatalf("%v(%q) succeeded but Parse failed: %v", mode, s, err)
			}
			// What ParseBind or ParseConnect returns must be accepted again
			// unchanged, since Listen and Dial re-parse it.
			again, aerr := mode.parse(mep.String())
			if aerr != nil || again != mep {
				t.Fatalf("%v(%q) = %v, which re-parses as %v, %v", mode, s, mep, again, aerr)
			}
		}
	})
}
