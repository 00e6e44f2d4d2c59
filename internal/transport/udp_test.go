package transport

import (
	"bytes"
	"errors"
	"net"
	"net/netip"
	"strings"
	"testing"
	"time"
)

func TestDatagramLayout(t *testing.T) {
	d := AppendDatagram(nil, []byte("weather"), []byte("22C"))
	want := append([]byte{7}, "weather22C"...)
	if !bytes.Equal(d, want) {
		t.Fatalf("AppendDatagram = %q, want %q", d, want)
	}
	if DatagramSize([]byte("weather"), []byte("22C")) != len(d) {
		t.Fatal("DatagramSize disagrees with AppendDatagram")
	}
	group, body, err := ParseDatagram(d)
	if err != nil || string(group) != "weather" || string(body) != "22C" {
		t.Fatalf("ParseDatagram = %q, %q, %v", group, body, err)
	}
}

func TestParseDatagram(t *testing.T) {
	tests := []struct {
		name        string
		in          []byte
		group, body string
		ok          bool
	}{
		{"group and body", append([]byte{1}, "gb"...), "g", "b", true},
		{"empty body", append([]byte{2}, "gg"...), "gg", "", true},
		{"empty group", append([]byte{0}, "body"...), "", "body", true},
		{"longest group", append([]byte{255}, strings.Repeat("g", 255)...), strings.Repeat("g", 255), "", true},
		{"empty datagram", nil, "", "", false},
		{"group cut short", append([]byte{5}, "abc"...), "", "", false},
		{"too long", append([]byte{0}, make([]byte, MaxDatagram)...), "", "", false},
		{"longest", append([]byte{0}, make([]byte, MaxDatagram-1)...), "", string(make([]byte, MaxDatagram-1)), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			group, body, err := ParseDatagram(tt.in)
			if !tt.ok {
				if !errors.Is(err, ErrDatagram) {
					t.Fatalf("got %q, %q, %v; want an error wrapping ErrDatagram", group, body, err)
				}
				return
			}
			if err != nil || string(group) != tt.group || string(body) != tt.body {
				t.Fatalf("got %q, %q, %v", group, body, err)
			}
			if cap(group) != len(group) {
				t.Fatal("the group is not capped: appending to it would overwrite the body")
			}
		})
	}
}

func TestParseDatagramAddr(t *testing.T) {
	tests := []struct {
		in   string
		want string // "" for refused
	}{
		{"127.0.0.1:5555", "127.0.0.1:5555"},
		{"127.0.0.1:5555\x00", "127.0.0.1:5555"}, // libzmq's C string
		{"0.0.0.0:1", "0.0.0.0:1"},
		{"255.255.255.255:65535", "255.255.255.255:65535"},
		{"[::1]:80", "[::1]:80"},
		{"127.0.0.1:0", ""},
		{"127.0.0.1:65536", ""},
		{"127.0.0.1:", ""},
		{"127.0.0.1", ""},
		{":5555", ""},
		{"256.0.0.1:1", ""},
		{"01.0.0.1:1", ""},
		{"1.2.3:1", ""},
		{"1.2.3.4.5:1", ""},
		{"1..3.4:1", ""},
		{"localhost:5555", ""},
		{"[127.0.0.1]:5", ""},
		{"127.0.0.1:5\x00\x00", ""},
		{"", ""},
	}
	for _, tt := range tests {
		got, ok := ParseDatagramAddr([]byte(tt.in))
		if ok != (tt.want != "") || ok && got.String() != tt.want {
			t.Errorf("ParseDatagramAddr(%q) = %v, %v; want %q", tt.in, got, ok, tt.want)
		}
		if ok && string(AppendDatagramAddr(nil, got)) != tt.want {
			t.Errorf("AppendDatagramAddr(%v) = %q", got, AppendDatagramAddr(nil, got))
		}
	}
	if n := testing.AllocsPerRun(100, func() { ParseDatagramAddr([]byte("127.0.0.1:5555")) }); n != 0 {
		t.Errorf("ParseDatagramAddr allocates %v times for an IPv4 address", n)
	}
}

func TestUDPListenDial(t *testing.T) {
	ln, server, err := ListenUDP(Endpoint{Transport: UDP, Address: "127.0.0.1:*"}, Tuning{RecvBuffer: 1 << 16})
	if err != nil {
		t.Fatal(err)
	}
	defer server.Close()
	if err := ln.Close(); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(ln.Endpoint(), "udp://127.0.0.1:") || strings.HasSuffix(ln.Endpoint(), ":0") {
		t.Fatalf("bound %s", ln.Endpoint())
	}
	if ln.Addr().String() != strings.TrimPrefix(ln.Endpoint(), "udp://") {
		t.Fatalf("Addr %v, endpoint %s", ln.Addr(), ln.Endpoint())
	}
	if _, err := ln.Accept(); !errors.Is(err, errors.ErrUnsupported) {
		t.Fatalf("Accept on udp: %v", err)
	}
	ep, _ := Parse(ln.Endpoint())
	client, err := DialUDP(ep, Tuning{})
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	if _, err := client.Write([]byte("datagram")); err != nil {
		t.Fatal(err)
	}
	server.SetReadDeadline(time.Now().Add(10 * time.Second))
	buf := make([]byte, 64)
	n, from, err := server.ReadFromUDPAddrPort(buf)
	if err != nil || string(buf[:n]) != "datagram" {
		t.Fatalf("read %q, %v", buf[:n], err)
	}
	if want := client.LocalAddr().(*net.UDPAddr).AddrPort(); from != want {
		t.Fatalf("from %v, want %v", from, want)
	}
}

func TestUDPRefusals(t *testing.T) {
	tests := []struct {
		name string
		ep   Endpoint
		dial bool
		is   error
	}{
		{"bind multicast", Endpoint{Transport: UDP, Address: "239.0.0.1:5555"}, false, errors.ErrUnsupported},
		{"dial multicast", Endpoint{Transport: UDP, Address: "239.0.0.1:5555"}, true, errors.ErrUnsupported},
		{"dial wildcard", Endpoint{Transport: UDP, Address: "*:5555"}, true, ErrEndpoint},
		{"dial port 0", Endpoint{Transport: UDP, Address: "127.0.0.1:0"}, true, ErrEndpoint},
		{"bind tcp", Endpoint{Transport: TCP, Address: "127.0.0.1:*"}, false, ErrEndpoint},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var err error
			if tt.dial {
				var c *net.UDPConn
				if c, err = DialUDP(tt.ep, Tuning{}); c != nil {
					c.Close()
				}
			} else {
				var c *net.UDPConn
				if _, c, err = ListenUDP(tt.ep, Tuning{}); c != nil {
					c.Close()
				}
			}
			if !errors.Is(err, tt.is) {
				t.Fatalf("got %v, want an error wrapping %v", err, tt.is)
			}
		})
	}
}

func FuzzParseDatagram(f *testing.F) {
	f.Add(AppendDatagram(nil, []byte("weather"), []byte("22C")))
	f.Add([]byte{})
	f.Add([]byte{200, 'a'})
	f.Add(append([]byte{255}, make([]byte, 300)...))
	f.Fuzz(func(t *testing.T, d []byte) {
		group, body, err := ParseDatagram(d)
		if err != nil {
			if !errors.Is(err, ErrDatagram) {
				t.Fatalf("error %v does not wrap ErrDatagram", err)
			}
			return
		}
		if len(d) > MaxDatagram {
			t.Fatalf("took a %d-byte datagram", len(d))
		}
		if again := AppendDatagram(nil, group, body); !bytes.Equal(again, d) {
			t.Fatalf("%q re-encodes as %q", d, again)
		}
	})
}

func FuzzParseDatagramAddr(f *testing.F) {
	for _, s := range []string{"127.0.0.1:5555", "127.0.0.1:5555\x00", "[::1]:80", "1.2.3.4:0", "x:1"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		a, ok := ParseDatagramAddr(b)
		if !ok {
			return
		}
		if a.Port() == 0 || !a.Addr().IsValid() {
			t.Fatalf("%q parsed as %v", b, a)
		}
		again, ok := ParseDatagramAddr(AppendDatagramAddr(nil, a))
		if !ok || again != netip.AddrPortFrom(a.Addr().Unmap(), a.Port()) {
			t.Fatalf("%q parsed as %v, which re-parses as %v, %v", b, a, again, ok)
		}
	})
}
