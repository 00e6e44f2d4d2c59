package zmq_test

import (
	"context"
	"testing"
	"time"

	"github.com/purezmq/zmq"
)

// testTimeout bounds every blocking call in the tests: a hang fails the test
// instead of stalling the run.
const testTimeout = 10 * time.Second

func newSocket(t *testing.T, typ zmq.Type, opts ...zmq.Option) *zmq.Socket {
	t.Helper()
	s, err := zmq.NewSocket(typ, append([]zmq.Option{zmq.WithLinger(0)}, opts...)...)
	if err != nil {
		t.Fatalf("NewSocket(%v): %v", typ, err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func bind(t *testing.T, s *zmq.Socket, endpoint string) string {
	t.Helper()
	if err := s.Bind(endpoint); err != nil {
		t.Fatalf("Bind(%s): %v", endpoint, err)
	}
	return s.LastEndpoint()
}

func connect(t *testing.T, s *zmq.Socket, endpoint string) {
	t.Helper()
	if err := s.Connect(endpoint); err != nil {
		t.Fatalf("Connect(%s): %v", endpoint, err)
	}
}

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	t.Cleanup(cancel)
	return ctx
}

func ctxTimeout(t *testing.T, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

func send(t *testing.T, s *zmq.Socket, frames ...string) {
	t.Helper()
	if err := s.Send(ctxT(t), zmq.NewMsgString(frames...)); err != nil {
		t.Fatalf("Send(%q): %v", frames, err)
	}
}

func recv(t *testing.T, s *zmq.Socket) []string {
	t.Helper()
	m, err := s.Recv(ctxT(t))
	if err != nil {
		t.Fatalf("Recv: %v", err)
	}
	out := make([]string, len(m.Frames))
	for i, f := range m.Frames {
		out[i] = string(f)
	}
	return out
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func expect(t *testing.T, s *zmq.Socket, frames ...string) {
	t.Helper()
	if got := recv(t, s); !equal(got, frames) {
		t.Fatalf("received %q, want %q", got, frames)
	}
}
