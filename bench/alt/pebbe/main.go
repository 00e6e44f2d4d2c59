// Command pebbe is libzmq's perf tools over github.com/pebbe/zmq4: libzmq
// through cgo, what a Go user picks for libzmq itself. Same arguments and
// result lines as bench/c's tools, with the tool's name first:
//
//	pebbe local_thr tcp://127.0.0.1:5555 16 1000000
package main

import (
	"time"

	zmq "github.com/pebbe/zmq4"

	"github.com/purezmq/zmq/bench/alt/internal/perf"
)

func main() {
	ctx, err := zmq.NewContext()
	if err != nil {
		panic(err)
	}
	perf.Main("pebbe", perf.Lib{
		NewSocket: func(k perf.Kind) (perf.Socket, error) { return newSocket(ctx, k) },
		Term:      ctx.Term,
		// libzmq underneath: bench/c/remote_thr.c says why.
		SenderPause: time.Second,
	})
}

var types = map[perf.Kind]zmq.Type{perf.Push: zmq.PUSH, perf.Pull: zmq.PULL, perf.Req: zmq.REQ, perf.Rep: zmq.REP}

type socket struct{ s *zmq.Socket }

func newSocket(ctx *zmq.Context, k perf.Kind) (perf.Socket, error) {
	s, err := ctx.NewSocket(types[k])
	if err != nil {
		return nil, err
	}
	if err := s.SetSndhwm(perf.HWM); err != nil {
		return nil, err
	}
	if err := s.SetRcvhwm(perf.HWM); err != nil {
		return nil, err
	}
	return socket{s}, nil
}

func (s socket) Bind(ep string) error    { return s.s.Bind(ep) }
func (s socket) Connect(ep string) error { return s.s.Connect(ep) }
func (s socket) Close() error            { return s.s.Close() }

// Send is zmq_send: libzmq copies the body into a message of its own.
func (s socket) Send(b []byte) error {
	_, err := s.s.SendBytes(b, 0)
	return err
}

// Recv is zmq_msg_recv and a copy into a fresh Go slice, pebbe's only
// way to receive. Frame counts go unchecked, as in bench/c.
func (s socket) Recv() ([]byte, error) { return s.s.RecvBytes(0) }
