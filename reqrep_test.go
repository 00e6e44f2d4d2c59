package zmq_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/purezmq/zmq"
)

var transports = []struct {
	name     string
	endpoint func(t *testing.T) string
}{
	{"tcp", func(*testing.T) string { return "tcp://127.0.0.1:*" }},
	{"tcp6", func(*testing.T) string { return "tcp://[::1]:*" }},
	{"ipc", func(t *testing.T) string { return "ipc://" + t.TempDir() + "/s" }},
	{"ipc-abstract", func(t *testing.T) string { return "ipc://@purezmq-" + t.Name() }},
	{"inproc", func(t *testing.T) string { return "inproc://" + t.Name() }},
}

func TestReqRep(t *testing.T) {
	for _, tr := range transports {
		t.Run(tr.name, func(t *testing.T) {
			rep := newSocket(t, zmq.REP)
			req := newSocket(t, zmq.REQ)
			connect(t, req, bind(t, rep, tr.endpoint(t)))
			for i := 0; i < 3; i++ {
				send(t, req, "hello", fmt.Sprint(i))
				expect(t, rep, "hello", fmt.Sprint(i))
				send(t, rep, "world", fmt.Sprint(i))
				expect(t, req, "world", fmt.Sprint(i))
			}
		})
	}
}

func TestReqStrictAlternation(t *testing.T) {
	req := newSocket(t, zmq.REQ)
	connect(t, req, "tcp://127.0.0.1:1")
	if _, err := req.Recv(ctxT(t)); !errors.Is(err, zmq.ErrState) {
		t.Fatalf("Recv before Send: %v, want ErrState", err)
	}
	send(t, req, "a")
	if err := req.Send(ctxT(t), zmq.NewMsgString("b")); !errors.Is(err, zmq.ErrState) {
		t.Fatalf("second Send: %v, want ErrState", err)
	}
	rep := newSocket(t, zmq.REP)
	if err := rep.Send(ctxT(t), zmq.NewMsgString("x")); !errors.Is(err, zmq.ErrState) {
		t.Fatalf("REP Send before Recv: %v, want ErrState", err)
	}
}
