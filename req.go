package zmq

import (
	"fmt"

	"github.com/purezmq/zmq/internal/pipe"
)

// req is REQ (RFC 28): a request goes to the next peer in turn behind an
// empty delimiter frame; only that peer's reply is taken, and send and
// receive must alternate.
type req struct {
	noReconnect
	balanced
	fairQueued
	awaitingReply bool
	replyPipe     *pipe.Pipe
}

func (r *req) attach(x *pipe.Pipe) bool {
	r.lb.Add(x)
	r.fq.Add(x)
	return true
}

func (r *req) detach(x *pipe.Pipe) {
	r.lb.Remove(x)
	if r.replyPipe == x {
		r.replyPipe = nil
	}
}

func (r *req) send(m *pipe.Msg) error {
	if r.awaitingReply {
		return fmt.Errorf("%w: REQ must receive the reply before sending again", ErrState)
	}
	frames := make([][]byte, 0, len(m.Frames)+1)
	frames = append(frames, []byte{})
	frames = append(frames, m.Frames...)
	p := r.lb.Send(pipe.Msg{Frames: frames})
	if p == nil {
		return errWouldBlock
	}
	r.awaitingReply, r.replyPipe = true, p
	return nil
}

func (r *req) recv() (pipe.Msg, error) {
	if !r.awaitingReply {
		return pipe.Msg{}, fmt.Errorf("%w: REQ must send a request before receiving", ErrState)
	}
	for {
		m, from, ok := r.fq.Recv()
		if !ok {
			return pipe.Msg{}, errWouldBlock
		}
		// Replies from other peers, or without the delimiter, are
		// stale or malformed: libzmq drops them, and so do we.
		if from != r.replyPipe || len(m.Frames) < 2 || len(m.Frames[0]) != 0 {
			continue
		}
		r.awaitingReply, r.replyPipe = false, nil
		m.Frames = m.Frames[1:]
		return m, nil
	}
}
