package zmq

import "github.com/purezmq/zmq/internal/pipe"

// gather is GATHER (libzmq 4.3's gather_t): the single-part PULL,
// fair-queued from its SCATTERs.
type gather struct {
	noReconnect
	cannotSend
	fairQueued
}

func (g *gather) attach(p *pipe.Pipe) bool { g.fq.Add(p); return true }
func (g *gather) detach(*pipe.Pipe)        {} // the fair queue drops it once read dry

func (g *gather) recv(m *pipe.Msg) error { return recvOnePart(&g.fq, m) }
