package zmq

import "github.com/purezmq/zmq/internal/pipe"

// pair is PAIR (RFC 31): one peer at a time; a second is refused, as in
// libzmq. It receives through the fair queue, which reads a departed
// peer's pipe dry before letting it go, so nothing sent before the peer
// left is lost.
type pair struct {
	noReconnect
	fairQueued
	peer *pipe.Pipe
}

func (p *pair) attach(x *pipe.Pipe) bool {
	if p.peer != nil {
		return false
	}
	p.peer = x
	p.fq.Add(x)
	return true
}

func (p *pair) detach(x *pipe.Pipe) {
	if p.peer == x {
		p.peer = nil
	}
}

func (p *pair) send(m *pipe.Msg) error {
	if p.peer == nil || !p.peer.Out.Push(m) {
		return errWouldBlock
	}
	return nil
}
