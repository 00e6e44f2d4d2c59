package zmq

import (
	"encoding/binary"
	"fmt"
	"math/rand/v2"

	"github.com/purezmq/zmq/internal/pipe"
)

// req is REQ (RFC 28): a request goes to the next peer in turn behind an
// empty delimiter frame; only that peer's reply is taken, and send and
// receive must alternate.
//
// WithReqRelaxed lets a new request go before the reply came (the reply is
// then dropped); WithReqCorrelate puts a request id frame before the
// delimiter and takes only replies carrying the id of the last request. Both
// are libzmq's (ZMQ_REQ_RELAXED, ZMQ_REQ_CORRELATE).
type req struct {
	noReconnect
	balanced
	fairQueued
	sock          *Socket
	awaitingReply bool
	replyPipe     *pipe.Pipe
	// correlate is whether the request awaiting a reply carries
	// requestID; libzmq starts the ids at a random number.
	correlate bool
	requestID uint32
	idStarted bool
}

func (r *req) attach(x *pipe.Pipe) bool {
	r.lb.Add(x)
	r.fq.Add(x)
	return true
}

func (r *req) detach(x *pipe.Pipe) {
	r.lb.Remove(x)
	if r.replyPipe == x {
		// As in libzmq, a reply is then taken from any peer.
		r.replyPipe = nil
	}
}

func (r *req) send(m *pipe.Msg) error {
	o := r.sock.patternOptions()
	if r.awaitingReply && !o.reqRelaxed {
		return fmt.Errorf("%w: REQ must receive the reply before sending again", ErrState)
	}
	frames := make([][]byte, 0, len(m.Frames)+2)
	id := r.requestID
	if o.reqCorrelate {
		if !r.idStarted {
			id, r.idStarted = rand.Uint32(), true
		}
		id++
		frames = append(frames, binary.NativeEndian.AppendUint32(nil, id))
	}
	frames = append(frames, []byte{})
	frames = append(frames, m.Frames...)
	if !r.lb.Writable() {
		return errWouldBlock
	}
	// Whatever is queued now answers an earlier request: libzmq drops it
	// as a new request goes out, so that a late reply is never taken for
	// this one's.
	var stale pipe.Msg
	for {
		if _, ok := r.fq.Recv(&stale); !ok {
			break
		}
	}
	p := r.lb.Send(&pipe.Msg{Frames: frames})
	if p == nil {
		return errWouldBlock
	}
	r.awaitingReply, r.replyPipe = true, p
	r.correlate, r.requestID = o.reqCorrelate, id
	return nil
}

func (r *req) recv(m *pipe.Msg) error {
	if !r.awaitingReply {
		return fmt.Errorf("%w: REQ must send a request before receiving", ErrState)
	}
	for {
		from, ok := r.fq.Recv(m)
		if !ok {
			return errWouldBlock
		}
		// Replies from other peers, or without the delimiter (or the
		// right request id), are stale or malformed: libzmq drops them,
		// and so do we.
		if r.replyPipe != nil && from != r.replyPipe {
			continue
		}
		frames := m.Frames
		if r.correlate {
			if len(frames) == 0 || len(frames[0]) != 4 || binary.NativeEndian.Uint32(frames[0]) != r.requestID {
				continue
			}
			frames = frames[1:]
		}
		if len(frames) < 2 || len(frames[0]) != 0 {
			continue
		}
		r.awaitingReply, r.replyPipe = false, nil
		m.Frames = frames[1:]
		return nil
	}
}

// writable tells a Poller whether Send would go through: not while a reply
// is awaited (unless relaxed), as libzmq's ZMQ_POLLOUT for REQ.
func (r *req) writable() bool {
	if r.awaitingReply && !r.sock.patternOptions().reqRelaxed {
		return false
	}
	return r.lb.Writable()
}
