package zmq_test

import (
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/purezmq/zmq"
)

// A PULL with a tcp accept filter refuses a PUSH connecting from 127.0.0.1
// (counted, logged, reported) and takes messages from one connecting from
// 127.0.0.2 through the tcp://source;destination form, which the peer sees
// as the message's Peer-Address.
func TestTCPAcceptFilterAndSourceAddress(t *testing.T) {
	pull := newSocket(t, zmq.PULL, zmq.WithTCPAcceptFilter("127.0.0.2", "10.0.0.0/8"))
	events := pull.Monitor(zmq.EventAcceptFailed)
	ep := bind(t, pull, "tcp://127.0.0.1:*")

	stranger := newSocket(t, zmq.PUSH)
	connect(t, stranger, ep)
	if err := stranger.Send(ctxT(t), zmq.NewMsgString("from a stranger")); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the stranger refused", func() bool { return pull.Stats().RefusedPeers > 0 })
	if e := <-events.C; e.Type != zmq.EventAcceptFailed || !strings.Contains(e.Err.Error(), "127.0.0.1 is not in the tcp accept filter") {
		t.Errorf("event %v, want ACCEPT_FAILED naming the filter", e)
	}

	friend := newSocket(t, zmq.PUSH)
	connect(t, friend, "tcp://127.0.0.2:0;"+strings.TrimPrefix(ep, "tcp://"))
	send(t, friend, "from a friend")
	m, err := pull.Recv(ctxT(t))
	if err != nil {
		t.Fatal(err)
	}
	if m.String() != "from a friend" {
		t.Errorf("received %q: the stranger's message got through", m)
	}
	if addr, _ := m.Property("Peer-Address"); addr != "127.0.0.2" {
		t.Errorf("Peer-Address %q, want the source 127.0.0.2", addr)
	}
}

// An ipc listener admits peers by their credentials: this process matches
// its own uid, gid and pid, and no other.
func TestIPCFilters(t *testing.T) {
	const other = 1 << 20 // no user, group or process here has this id
	for _, c := range []struct {
		name  string
		opt   zmq.Option
		admit bool
	}{
		{"own uid", zmq.WithIPCFilterUID(os.Getuid()), true},
		{"other uid", zmq.WithIPCFilterUID(other), false},
		{"own gid", zmq.WithIPCFilterGID(os.Getgid()), true},
		{"other gid", zmq.WithIPCFilterGID(other), false},
		{"own pid", zmq.WithIPCFilterPID(os.Getpid()), true},
		{"other pid", zmq.WithIPCFilterPID(other), false},
	} {
		pull := newSocket(t, zmq.PULL, c.opt)
		ep := bind(t, pull, "ipc://*")
		push := newSocket(t, zmq.PUSH)
		connect(t, push, ep)
		if err := push.Send(ctxT(t), zmq.NewMsgString(c.name)); err != nil {
			t.Fatal(err)
		}
		if c.admit {
			expect(t, pull, c.name)
			continue
		}
		eventually(t, c.name+" refused", func() bool { return pull.Stats().RefusedPeers > 0 })
		if m, err := tryRecv(pull, 100*time.Millisecond); err == nil {
			t.Errorf("%s: a refused peer's message %q got through", c.name, m)
		}
	}
}

// WithIPv6 makes a "*" bind reachable over IPv6 as well as IPv4.
func TestIPv6WildcardBind(t *testing.T) {
	pull := newSocket(t, zmq.PULL, zmq.WithIPv6(true))
	ep := bind(t, pull, "tcp://*:*")
	port := ep[strings.LastIndexByte(ep, ':'):]
	for _, host := range []string{"[::1]", "127.0.0.1"} {
		push := newSocket(t, zmq.PUSH)
		connect(t, push, "tcp://"+host+port)
		send(t, push, host)
		expect(t, pull, host)
	}
}

// The kernel-level options leave a socket that talks as before; a device
// that does not exist fails the bind. (What each sets on the kernel socket
// is checked in internal/transport.)
func TestNetOptionsOverRealSockets(t *testing.T) {
	opts := []zmq.Option{zmq.WithTOS(0x28), zmq.WithTCPMaxRT(2 * time.Second), zmq.WithBindToDevice("lo"), zmq.WithBacklog(10)}
	pull := newSocket(t, zmq.PULL, opts...)
	ep := bind(t, pull, "tcp://127.0.0.1:*")
	push := newSocket(t, zmq.PUSH, opts...)
	connect(t, push, ep)
	send(t, push, "tuned")
	expect(t, pull, "tuned")

	err := newSocket(t, zmq.PULL, zmq.WithBindToDevice("nosuchdev0")).Bind("tcp://127.0.0.1:*")
	if err == nil || !strings.Contains(err.Error(), "no such device") {
		t.Errorf("Bind on a missing device: %v, want it refused", err)
	}
}

// Malformed values are refused at the call, with ErrInvalid saying what.
func TestNetOptionsBadInput(t *testing.T) {
	for _, c := range []struct {
		opt  zmq.Option
		says string
	}{
		{zmq.WithTCPAcceptFilter("127.0.0.1", "not-an-address"), `"not-an-address" is not an address`},
		{zmq.WithTCPAcceptFilter("10.0.0.0/33"), `"10.0.0.0/33" is not an address`},
		{zmq.WithTCPAcceptFilter("10.0.0.1:80"), `"10.0.0.1:80" is not an address`},
		{zmq.WithIPCFilterUID(-1), "uid -1"},
		{zmq.WithIPCFilterPID(-5), "pid -5"},
		{zmq.WithTOS(256), "TOS 256"},
		{zmq.WithTOS(-1), "TOS -1"},
		{zmq.WithBacklog(-1), "backlog -1"},
		{zmq.WithTCPMaxRT(-time.Second), "TCP_MAXRT"},
		{zmq.WithBindToDevice("a-name-longer-than-15"), "not an interface name"},
	} {
		err := newSocket(t, zmq.PULL).SetOptions(c.opt)
		if !errors.Is(err, zmq.ErrInvalid) || !strings.Contains(err.Error(), c.says) {
			t.Errorf("got %v, want ErrInvalid saying %q", err, c.says)
		}
	}
}
