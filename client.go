package zmq

import "github.com/purezmq/zmq/internal/pipe"

// client is CLIENT (RFC 41 CLISRV): round-robin out to its SERVERs,
// waiting while none has room, and fair-queued in; single-part both ways.
type client struct {
	noReconnect
	balanced
	fairQueued
}

func (c *client) attach(p *pipe.Pipe) bool {
	c.lb.Add(p)
	c.fq.Add(p)
	return true
}

func (c *client) detach(p *pipe.Pipe) { c.lb.Remove(p) }

func (c *client) recv() (pipe.Msg, error) { return recvOnePart(&c.fq) }

// recvOnePart receives the next single-part message from fq. A multipart
// one, which only an inproc peer of another type could send (the engine
// drops a tcp or ipc peer that sends one), is dropped, as libzmq drops it.
func recvOnePart(fq interface {
	Recv() (pipe.Msg, *pipe.Pipe, bool)
}) (pipe.Msg, error) {
	for {
		m, _, ok := fq.Recv()
		if !ok {
			return pipe.Msg{}, errWouldBlock
		}
		if len(m.Frames) == 1 {
			return m, nil
		}
	}
}
