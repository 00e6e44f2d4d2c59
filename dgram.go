package zmq

import (
	"fmt"

	"github.com/purezmq/zmq/internal/pipe"
	"github.com/purezmq/zmq/internal/transport"
)

// dgram is DGRAM (libzmq 4.3's dgram_t): raw udp on one bound endpoint.
// Each message is [address, body]: received, the address ("ip:port") the
// datagram came from; sent, the address the body goes to. A second bind is
// refused, as libzmq refuses a second pipe.
type dgram struct {
	noReconnect
	fairQueued
	p *pipe.Pipe
}

func (d *dgram) attach(p *pipe.Pipe) bool {
	if d.p != nil {
		return false
	}
	d.p = p
	d.fq.Add(p)
	return true
}

func (d *dgram) detach(p *pipe.Pipe) {
	if d.p == p {
		d.p = nil
	}
}

// send queues [address, body], waiting while the queue is full or nothing
// is bound. A message of another shape, a bad address or a body too long
// for one datagram is refused (libzmq drops a bad address silently).
func (d *dgram) send(m *pipe.Msg) error {
	if len(m.Frames) != 2 {
		return fmt.Errorf("%w: a DGRAM message is [address, body], not %d frames", ErrInvalid, len(m.Frames))
	}
	if _, ok := transport.ParseDatagramAddr(m.Frames[0]); !ok {
		return fmt.Errorf("%w: DGRAM address %q is not ip:port", ErrInvalid, m.Frames[0])
	}
	if len(m.Frames[1]) > transport.MaxDatagram {
		return fmt.Errorf("%w: a %d-byte body does not fit a %d-byte datagram", ErrMsgTooLarge, len(m.Frames[1]), transport.MaxDatagram)
	}
	if d.p == nil || !d.p.Out.Push(m) {
		return errWouldBlock
	}
	return nil
}
