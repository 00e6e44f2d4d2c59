package zmq

import (
	"fmt"

	"github.com/purezmq/zmq/internal/pipe"
)

// rep is REP (RFC 28): it takes requests fair-queued, keeps each one's
// envelope (the frames up to the empty delimiter) and puts it back in front
// of the reply, which goes to the peer the request came from.
type rep struct {
	noReconnect
	fairQueued
	replying  bool
	envelope  [][]byte
	replyPipe *pipe.Pipe
}

func (r *rep) attach(x *pipe.Pipe) bool { r.fq.Add(x); return true }

func (r *rep) detach(x *pipe.Pipe) {
	if r.replyPipe == x {
		r.replyPipe = nil
	}
}

func (r *rep) recv(m *pipe.Msg) error {
	if r.replying {
		return fmt.Errorf("%w: REP must send the reply before receiving again", ErrState)
	}
	for {
		from, ok := r.fq.Recv(m)
		if !ok {
			return errWouldBlock
		}
		delim := envelopeEnd(m.Frames)
		if delim < 0 {
			continue // no delimiter: malformed, and libzmq drops it
		}
		r.replying, r.replyPipe = true, from
		r.envelope = m.Frames[:delim+1]
		m.Frames = m.Frames[delim+1:]
		if delim > 0 {
			// The envelope is kept for the reply: the application's
			// Release must not hand its read buffer back for reuse.
			m.Lease = nil
		}
		return nil
	}
}

// envelopeEnd is the index of the empty delimiter frame, or -1.
func envelopeEnd(frames [][]byte) int {
	for i, f := range frames {
		if len(f) == 0 {
			if i == len(frames)-1 {
				return -1
			}
			return i
		}
	}
	return -1
}

func (r *rep) send(m *pipe.Msg) error {
	if !r.replying {
		return fmt.Errorf("%w: REP must receive a request before replying", ErrState)
	}
	frames := make([][]byte, 0, len(r.envelope)+len(m.Frames))
	frames = append(frames, r.envelope...)
	frames = append(frames, m.Frames...)
	// A reply to a peer that left, or whose queue is full, is dropped, as
	// libzmq's REP does.
	if r.replyPipe != nil {
		r.replyPipe.Out.Push(&pipe.Msg{Frames: frames})
	}
	r.replying, r.envelope, r.replyPipe = false, nil, nil
	return nil
}

// writable tells a Poller whether Send would go through: only with a
// request to answer; a reply never blocks (it is dropped if it cannot go).
func (r *rep) writable() bool { return r.replying }
