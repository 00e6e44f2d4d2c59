package transport

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
	"unsafe"
)

// getsockoptString reads a string socket option, which package syscall
// has no helper for.
func getsockoptString(t *testing.T, c net.Conn, level, opt int) string {
	t.Helper()
	raw, err := c.(syscall.Conn).SyscallConn()
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 64)
	n := uint32(len(buf))
	var errno syscall.Errno
	raw.Control(func(fd uintptr) {
		_, _, errno = syscall.Syscall6(syscall.SYS_GETSOCKOPT, fd, uintptr(level), uintptr(opt),
			uintptr(unsafe.Pointer(&buf[0])), uintptr(unsafe.Pointer(&n)), 0)
	})
	if errno != 0 {
		t.Fatal(errno)
	}
	return strings.TrimRight(string(buf[:n]), "\x00")
}

// dialAccept listens on ep with lt, dials it with dt, and returns both ends.
func dialAccept(t *testing.T, ep string, lt, dt Tuning) (dialled, accepted net.Conn, ln *Listener) {
	t.Helper()
	e, err := Parse(ep)
	if err != nil {
		t.Fatal(err)
	}
	ln, err = ListenTuned(e, lt)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	type result struct {
		c   net.Conn
		err error
	}
	got := make(chan result, 1)
	go func() {
		c, err := ln.Accept()
		got <- result{c, err}
	}()
	target, _ := Parse(ln.Endpoint())
	dialled, err = DialTuned(context.Background(), target, dt)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { dialled.Close() })
	r := <-got
	if r.err != nil {
		t.Fatal(r.err)
	}
	t.Cleanup(func() { r.c.Close() })
	return dialled, r.c, ln
}

// TOS, TCP_MAXRT and BINDTODEVICE are set on dialled sockets, and on
// listeners, whose connections inherit them.
func TestNetOptionsSetOnSockets(t *testing.T) {
	tuning := Tuning{NetOptions: NetOptions{TOS: 0x28, MaxRetransmit: 1500 * time.Millisecond, BindToDevice: "lo"}}
	dialled, accepted, _ := dialAccept(t, "tcp://127.0.0.1:*", tuning, tuning)
	for name, c := range map[string]net.Conn{"dialled": dialled, "accepted": accepted} {
		if got := sockopt(t, c, syscall.IPPROTO_IP, syscall.IP_TOS); got != 0x28 {
			t.Errorf("%s: IP_TOS = %#x, want 0x28", name, got)
		}
		if got := sockopt(t, c, syscall.IPPROTO_TCP, tcpUserTimeout); got != 1500 {
			t.Errorf("%s: TCP_USER_TIMEOUT = %d, want 1500", name, got)
		}
		if got := getsockoptString(t, c, syscall.SOL_SOCKET, syscall.SO_BINDTODEVICE); got != "lo" {
			t.Errorf("%s: SO_BINDTODEVICE = %q, want lo", name, got)
		}
	}
	// Over IPv6 the same option is the traffic class.
	dialled, _, _ = dialAccept(t, "tcp://[::1]:*", Tuning{}, Tuning{NetOptions: NetOptions{TOS: 0x28}})
	if got := sockopt(t, dialled, syscall.IPPROTO_IPV6, syscall.IPV6_TCLASS); got != 0x28 {
		t.Errorf("IPv6: IPV6_TCLASS = %#x, want 0x28", got)
	}
}

// A device that does not exist fails the bind and the dial.
func TestBindToMissingDevice(t *testing.T) {
	bad := Tuning{NetOptions: NetOptions{BindToDevice: "nosuchdev0"}}
	ep, _ := Parse("tcp://127.0.0.1:*")
	if ln, err := ListenTuned(ep, bad); err == nil {
		ln.Close()
		t.Error("ListenTuned bound to a missing device")
	}
	ln, err := Listen(ep)
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	target, _ := Parse(ln.Endpoint())
	if c, err := DialTuned(context.Background(), target, bad); err == nil {
		c.Close()
		t.Error("DialTuned through a missing device")
	}
}

// A listener with a backlog of 1 that never accepts holds two connections
// in its queue (Linux admits backlog+1) and leaves the next SYN unanswered.
func TestBacklog(t *testing.T) {
	ep, _ := Parse("tcp://127.0.0.1:*")
	ln, err := ListenTuned(ep, Tuning{NetOptions: NetOptions{Backlog: 1}})
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	target, _ := Parse(ln.Endpoint())
	var held []net.Conn
	defer func() {
		for _, c := range held {
			c.Close()
		}
	}()
	for {
		c, err := DialTuned(context.Background(), target, Tuning{ConnectTimeout: 300 * time.Millisecond})
		if err != nil {
			break
		}
		held = append(held, c)
		if len(held) > 8 {
			t.Fatal("a listener with backlog 1 queued more than 8 connections")
		}
	}
	if len(held) != 2 {
		t.Errorf("backlog 1 queued %d connections, want 2", len(held))
	}
}

// The tcp accept filter closes connections from elsewhere as they are
// accepted, and the listener goes on: the next admitted peer is served.
func TestAcceptFilter(t *testing.T) {
	ep, _ := Parse("tcp://127.0.0.1:*")
	ln, err := ListenTuned(ep, Tuning{NetOptions: NetOptions{AcceptFrom: []netip.Prefix{netip.MustParsePrefix("127.0.0.2/32")}}})
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	refused, err := Parse(ln.Endpoint())
	if err != nil {
		t.Fatal(err)
	}
	admitted, err := Parse("tcp://127.0.0.2:0;" + strings.TrimPrefix(ln.Endpoint(), "tcp://"))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		ep   Endpoint
		want error
	}{{refused, ErrPeerRefused}, {admitted, nil}} {
		d, err := Dial(context.Background(), c.ep)
		if err != nil {
			t.Fatal(err)
		}
		defer d.Close()
		a, err := ln.Accept()
		if !errors.Is(err, c.want) {
			t.Errorf("Accept from %v: %v, want %v", d.LocalAddr(), err, c.want)
		}
		if err == nil {
			if got := a.RemoteAddr().(*net.TCPAddr).IP.String(); got != "127.0.0.2" {
				t.Errorf("admitted peer comes from %s, want the source 127.0.0.2", got)
			}
			a.Close()
		}
	}
}

// The ipc filters admit a peer by its kernel credentials: this process's
// own uid, gid or pid admits it, another refuses it.
func TestIPCFilters(t *testing.T) {
	other := 1 << 20 // no user, group or process here has this id
	for _, c := range []struct {
		name string
		o    NetOptions
		want error
	}{
		{"own uid", NetOptions{PeerUIDs: []int{os.Getuid()}}, nil},
		{"other uid", NetOptions{PeerUIDs: []int{other}}, ErrPeerRefused},
		{"own gid", NetOptions{PeerGIDs: []int{os.Getgid()}}, nil},
		{"other gid", NetOptions{PeerGIDs: []int{other}}, ErrPeerRefused},
		{"own pid", NetOptions{PeerPIDs: []int{os.Getpid()}}, nil},
		{"other pid", NetOptions{PeerPIDs: []int{other}}, ErrPeerRefused},
		{"other uid, own pid", NetOptions{PeerUIDs: []int{other}, PeerPIDs: []int{os.Getpid()}}, nil},
	} {
		ep, _ := Parse("ipc://*")
		ln, err := ListenTuned(ep, Tuning{NetOptions: c.o})
		if err != nil {
			t.Fatal(err)
		}
		target, _ := Parse(ln.Endpoint())
		d, err := Dial(context.Background(), target)
		if err != nil {
			t.Fatal(err)
		}
		a, err := ln.Accept()
		if !errors.Is(err, c.want) {
			t.Errorf("%s: Accept: %v, want %v", c.name, err, c.want)
		}
		if a != nil {
			a.Close()
		}
		d.Close()
		ln.Close()
	}
}

// With IPv6, "*" binds both families; without, IPv4 only.
func TestIPv6Wildcard(t *testing.T) {
	for _, ipv6 := range []bool{false, true} {
		ep, _ := Parse("tcp://*:*")
		ln, err := ListenTuned(ep, Tuning{NetOptions: NetOptions{IPv6: ipv6}})
		if err != nil {
			t.Fatal(err)
		}
		port := ln.Addr().(*net.TCPAddr).Port
		for _, host := range []string{"127.0.0.1", "::1"} {
			c, err := net.DialTimeout("tcp", net.JoinHostPort(host, strconv.Itoa(port)), 5*time.Second)
			if c != nil {
				c.Close()
			}
			if want := host == "127.0.0.1" || ipv6; (err == nil) != want {
				t.Errorf("IPv6 %v: dial %s: %v, want success %v", ipv6, host, err, want)
			}
		}
		ln.Close()
	}
}
