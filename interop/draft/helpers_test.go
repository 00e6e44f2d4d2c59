package draft

import (
	"context"
	"testing"

	"github.com/purezmq/zmq"
)

var transports = []string{"tcp", "ipc"}

func newSocket(t *testing.T, typ zmq.Type, opts ...zmq.Option) *zmq.Socket {
	t.Helper()
	s, err := zmq.NewSocket(typ, append([]zmq.Option{zmq.WithLinger(0)}, opts...)...)
	if err != nil {
		t.Fatalf("NewSocket(%v): %v", typ, err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	t.Cleanup(cancel)
	return ctx
}

// roles names who binds in a case.
func roles(oursBinds bool) string {
	if oursBinds {
		return "ours-binds"
	}
	return "theirs-binds"
}

// link binds one side and connects the other: ours binds when oursBinds.
func link(t *testing.T, ours *zmq.Socket, theirs *nodePeer, transport string, oursBinds bool) {
	t.Helper()
	if oursBinds {
		if err := ours.Bind(endpoint(t, transport)); err != nil {
			t.Fatal(err)
		}
		theirs.connect(ours.LastEndpoint())
		return
	}
	ep := theirs.bind(endpoint(t, transport))
	if err := ours.Connect(ep); err != nil {
		t.Fatal(err)
	}
}

func recvMsg(t *testing.T, s *zmq.Socket) zmq.Msg {
	t.Helper()
	m, err := s.Recv(ctxT(t))
	if err != nil {
		t.Fatalf("Recv: %v", err)
	}
	return m
}

func sendMsg(t *testing.T, s *zmq.Socket, m zmq.Msg) {
	t.Helper()
	if err := s.Send(ctxT(t), m); err != nil {
		t.Fatalf("Send: %v", err)
	}
}
