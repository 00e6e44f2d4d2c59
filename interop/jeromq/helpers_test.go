package jeromq

import (
	"context"
	"errors"
	"net"
	"slices"
	"testing"
	"time"

	"github.com/purezmq/zmq"
)

// timeout bounds each wait for the network. A JVM shares two busy cores
// with the other tests here, so it is generous.
const timeout = 10 * time.Second

// roles are who binds: ours or JeroMQ.
var roles = []struct {
	name      string
	oursBinds bool
}{{"ours-binds", true}, {"jeromq-binds", false}}

func newOurs(t *testing.T, typ zmq.Type, opts ...zmq.Option) *zmq.Socket {
	t.Helper()
	s, err := zmq.NewSocket(typ, append([]zmq.Option{zmq.WithLinger(0)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// join connects ours and the JeroMQ socket over loopback tcp, the one
// oursBinds names binding.
func join(t *testing.T, ours *zmq.Socket, java *javaSocket, oursBinds bool) {
	t.Helper()
	if oursBinds {
		if err := ours.Bind("tcp://127.0.0.1:*"); err != nil {
			t.Fatal(err)
		}
		java.connect(ours.LastEndpoint())
		return
	}
	ep := freeEndpoint(t)
	java.bind(ep)
	if err := ours.Connect(ep); err != nil {
		t.Fatal(err)
	}
}

// freeEndpoint is a loopback tcp endpoint nothing listens on (yet).
func freeEndpoint(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return "tcp://" + l.Addr().String()
}

func oursSend(t *testing.T, s *zmq.Socket, frames ...string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	if err := s.Send(ctx, zmq.NewMsgString(frames...)); err != nil {
		t.Fatalf("ours send %q: %v", frames, err)
	}
}

// oursTryRecv waits up to d for a message; ok is false if none came.
func oursTryRecv(t *testing.T, s *zmq.Socket, d time.Duration) (zmq.Msg, bool) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	m, err := s.Recv(ctx)
	if errors.Is(err, context.DeadlineExceeded) {
		return zmq.Msg{}, false
	}
	if err != nil {
		t.Fatalf("ours recv: %v", err)
	}
	return m, true
}

func oursRecv(t *testing.T, s *zmq.Socket) zmq.Msg {
	t.Helper()
	m, ok := oursTryRecv(t, s, timeout)
	if !ok {
		t.Fatalf("ours: no message within %v", timeout)
	}
	return m
}

func strs(m zmq.Msg) []string {
	out := make([]string, len(m.Frames))
	for i, f := range m.Frames {
		out[i] = string(f)
	}
	return out
}

func expect(t *testing.T, who string, got []string, want ...string) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Fatalf("%s received %q, want %q", who, got, want)
	}
}

// eventually polls cond until it holds or the deadline passes.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("after %v: %s", timeout, what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
