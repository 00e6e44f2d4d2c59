package zmq

import "github.com/purezmq/zmq/internal/pipe"

// pair is PAIR (RFC 31): one peer at a time; a second is refused, as in
// libzmq.
type pair struct {
	noReconnect
	peer *pipe.Pipe
}

func (p *pair) attach(x *pipe.Pipe) bool {
	if p.peer != nil {
		return false
	}
	p.peer = x
	return true
}

func (p *pair) detach(x *pipe.Pipe) {
	if p.peer == x {
		p.peer = nil
	}
}

func (p *pair) send(m *pipe.Msg) error {
	if p.peer == nil || !p.peer.Out.Push(*m) {
		return errWouldBlock
	}
	return nil
}

func (p *pair) recv() (pipe.Msg, error) {
	if p.peer == nil {
		return pipe.Msg{}, errWouldBlock
	}
	m, ok, _ := p.peer.In.Pop()
	if !ok {
		return pipe.Msg{}, errWouldBlock
	}
	return m, nil
}
