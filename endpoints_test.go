package zmq_test

import (
	"errors"
	"log/slog"
	"net"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/purezmq/zmq"
	"github.com/purezmq/zmq/internal/testlog"
)

func TestConnectByHostName(t *testing.T) {
	pull := newSocket(t, zmq.PULL)
	ep := bind(t, pull, "tcp://127.0.0.1:*")
	push := newSocket(t, zmq.PUSH)
	connect(t, push, strings.Replace(ep, "127.0.0.1", "localhost", 1))
	send(t, push, "by name")
	expect(t, pull, "by name")
}

func TestBindAllInterfaces(t *testing.T) {
	pull := newSocket(t, zmq.PULL)
	ep := bind(t, pull, "tcp://*:*")
	if !strings.HasPrefix(ep, "tcp://0.0.0.0:") {
		t.Fatalf("LastEndpoint = %q, want tcp://0.0.0.0:port", ep)
	}
	push := newSocket(t, zmq.PUSH)
	connect(t, push, strings.Replace(ep, "0.0.0.0", "127.0.0.1", 1))
	send(t, push, "any interface")
	expect(t, pull, "any interface")
}

func TestUnbindClosesItsConnections(t *testing.T) {
	pull := newSocket(t, zmq.PULL)
	ep := bind(t, pull, "tcp://127.0.0.1:*")
	push := newSocket(t, zmq.PUSH)
	events := push.Monitor(zmq.EventDisconnected | zmq.EventHandshakeSucceeded)
	connect(t, push, ep)
	send(t, push, "before unbind")
	expect(t, pull, "before unbind")
	if err := pull.Unbind(ep); err != nil {
		t.Fatal(err)
	}
	nextEvent(t, events, zmq.EventDisconnected)
	if err := pull.Unbind(ep); !errors.Is(err, zmq.ErrEndpoint) {
		t.Fatalf("second Unbind: %v, want ErrEndpoint", err)
	}
	// The port is free again.
	again := newSocket(t, zmq.PULL)
	bind(t, again, ep)
	nextEvent(t, events, zmq.EventHandshakeSucceeded)
}

func TestDisconnectStopsSendingThere(t *testing.T) {
	a := newSocket(t, zmq.PULL, zmq.WithRecvTimeout(0))
	b := newSocket(t, zmq.PULL)
	epA := bind(t, a, "tcp://127.0.0.1:*")
	epB := bind(t, b, "tcp://127.0.0.1:*")
	push := newSocket(t, zmq.PUSH)
	events := push.Monitor(zmq.EventHandshakeSucceeded)
	connect(t, push, epA)
	connect(t, push, epB)
	nextEvent(t, events, zmq.EventHandshakeSucceeded)
	nextEvent(t, events, zmq.EventHandshakeSucceeded)
	if err := push.Disconnect(epA); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 10; i++ {
		send(t, push, "only b")
		expect(t, b, "only b")
	}
	if _, err := a.Recv(ctxT(t)); !errors.Is(err, zmq.ErrAgain) {
		t.Fatalf("a disconnected endpoint got a message: %v", err)
	}
	if err := push.Disconnect(epA); !errors.Is(err, zmq.ErrEndpoint) {
		t.Fatalf("second Disconnect: %v, want ErrEndpoint", err)
	}
}

func TestDroppedPeersAreLogged(t *testing.T) {
	var logs testlog.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, nil))
	pull := newSocket(t, zmq.PULL, zmq.WithLogger(logger), zmq.WithHandshakeTimeout(50*time.Millisecond))
	ep := bind(t, pull, "tcp://127.0.0.1:*")
	bad := dialRaw(t, ep)
	bad.write([]byte("not zmtp at all, not zmtp at all, not zmtp at all, not zmtp at all"))
	bad.closedBySocket()
	eventually(t, "a log line for the dropped peer", func() bool {
		return strings.Contains(logs.String(), "connection dropped")
	})
}

func TestTransportTuningOptions(t *testing.T) {
	opts := []zmq.Option{
		zmq.WithTCPKeepAlive(net.KeepAliveConfig{Enable: true, Idle: 30 * time.Second}),
		zmq.WithSocketBuffers(256<<10, 256<<10),
		zmq.WithConnectTimeout(time.Second),
	}
	pull := newSocket(t, zmq.PULL, opts...)
	push := newSocket(t, zmq.PUSH, opts...)
	connect(t, push, bind(t, pull, "tcp://127.0.0.1:*"))
	send(t, push, "tuned")
	expect(t, pull, "tuned")
	if _, err := zmq.NewSocket(zmq.PUSH, zmq.WithSocketBuffers(-1, 0)); !errors.Is(err, zmq.ErrInvalid) {
		t.Fatalf("negative buffer size: %v, want ErrInvalid", err)
	}
}

// A refused Bind names the endpoint once, gives the kernel's reason, and
// still unwraps to what it wraps: ErrAddrInUse and the syscall's errno.
func TestBindErrorNamesEndpointOnce(t *testing.T) {
	taken := newSocket(t, zmq.PULL)
	inUse := bind(t, taken, "tcp://127.0.0.1:*")
	for _, c := range []struct {
		endpoint, reason string
		is               []error
	}{
		// 192.0.2.1 (TEST-NET-1) is on no interface here: the bind fails
		// at once, and nothing is sent anywhere.
		{"tcp://192.0.2.1:5555", "cannot assign requested address", []error{syscall.EADDRNOTAVAIL}},
		{inUse, "address already in use", []error{zmq.ErrAddrInUse, syscall.EADDRINUSE}},
	} {
		err := newSocket(t, zmq.PULL).Bind(c.endpoint)
		if err == nil {
			t.Fatalf("Bind(%s) succeeded", c.endpoint)
		}
		host := strings.TrimPrefix(c.endpoint, "tcp://")
		if n := strings.Count(err.Error(), host); n != 1 {
			t.Errorf("Bind(%s): %q names the address %d times, want once", c.endpoint, err, n)
		}
		if !strings.HasSuffix(err.Error(), c.reason) {
			t.Errorf("Bind(%s): %q, want it to end with the reason %q", c.endpoint, err, c.reason)
		}
		for _, target := range c.is {
			if !errors.Is(err, target) {
				t.Errorf("Bind(%s): %v does not wrap %v", c.endpoint, err, target)
			}
		}
	}
}
