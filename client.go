package zmq

import (
	"github.com/purezmq/zmq/internal/pipe"
	"github.com/purezmq/zmq/internal/route"
)

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

func (c *client) recv(m *pipe.Msg) error { return recvOnePart(&c.fq, m) }

// recvOnePart receives the next single-part message from fq. A multipart
// one, which only an inproc peer of another type could send (the engine
// drops a tcp or ipc peer that sends one), is dropped, as libzmq drops it.
func recvOnePart(fq *route.FairQueue, m *pipe.Msg) error {
	for {
		if _, ok := fq.Recv(m); !ok {
			return errWouldBlock
		}
		if len(m.Frames) == 1 {
			return nil
		}
	}
}
