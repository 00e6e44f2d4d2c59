package zmq

import "github.com/purezmq/zmq/internal/pipe"

// pair is PAIR (RFC 31): one peer at a time; a second is refused, as in
// libzmq. What a peer sent before it went away is still delivered: its pipe
// is read dry before it is let go.
type pair struct {
	noReconnect
	peer *pipe.Pipe
	// leaving is a former peer's pipe with messages still to read.
	leaving *pipe.Pipe
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
		p.leaving = x
	}
}

func (p *pair) send(m *pipe.Msg) error {
	if p.peer == nil || !p.peer.Out.Push(*m) {
		return errWouldBlock
	}
	return nil
}

func (p *pair) recv() (pipe.Msg, error) {
	if p.leaving != nil {
		m, ok, closed := p.leaving.In.Pop()
		if ok {
			return m, nil
		}
		if closed {
			p.leaving = nil
		}
	}
	if p.peer == nil {
		return pipe.Msg{}, errWouldBlock
	}
	m, ok, _ := p.peer.In.Pop()
	if !ok {
		return pipe.Msg{}, errWouldBlock
	}
	return m, nil
}
