package zmq

import (
	"fmt"

	"github.com/purezmq/zmq/internal/pipe"
	"github.com/purezmq/zmq/internal/route"
)

// dish is DISH (libzmq 4.3's dish_t): it receives the messages of the
// groups it joined, fair-queued, and tells each RADIO it connects to what
// it joined (JOIN and LEAVE commands), again after each reconnection. It
// filters too, since a message may be on its way when a group is left,
// and a udp RADIO sends every group.
type dish struct {
	noSend
	groups route.GroupSet
	pipes  []*pipe.Pipe
	fq     route.FairQueue
}

type noSend struct{}

func (noSend) send(*pipe.Msg) error {
	return fmt.Errorf("%w: DISH only receives; use Join", ErrNotSupported)
}

func (d *dish) attach(p *pipe.Pipe) bool {
	d.pipes = append(d.pipes, p)
	d.fq.Add(p)
	d.joinAll(p)
	return true
}

func (d *dish) reconnected(p *pipe.Pipe) { d.joinAll(p) }

func (d *dish) detach(p *pipe.Pipe) { d.pipes = removePipe(d.pipes, p) }

// joinAll tells p every group joined, past its high-water mark: JOINs are
// never lost.
func (d *dish) joinAll(p *pipe.Pipe) {
	d.groups.Each(func(group string) {
		p.Out.PushForce(membership(pipe.Join, group))
	})
}

func (d *dish) tell(kind pipe.Kind, group string) {
	for _, p := range d.pipes {
		p.Out.PushForce(membership(kind, group))
	}
}

// membership is a JOIN or LEAVE of group, as the pipe carries it.
func membership(kind pipe.Kind, group string) *pipe.Msg {
	return &pipe.Msg{Kind: kind, Frames: [][]byte{[]byte(group)}}
}

func (d *dish) join(group string) error {
	if !d.groups.Add(group) {
		return fmt.Errorf("%w: group %q is joined already", ErrInvalid, group)
	}
	d.tell(pipe.Join, group)
	return nil
}

func (d *dish) leave(group string) error {
	if !d.groups.Remove(group) {
		return fmt.Errorf("%w: group %q is not joined", ErrInvalid, group)
	}
	d.tell(pipe.Leave, group)
	return nil
}

func (d *dish) recv(m *pipe.Msg) error {
	for {
		if _, ok := d.fq.Recv(m); !ok {
			return errWouldBlock
		}
		// [group, body] (pipe.Msg): Socket.fromPipe makes Group of the
		// first.
		if m.Kind == pipe.Data && len(m.Frames) == 2 && d.groups.Has(m.Frames[0]) {
			return nil
		}
	}
}

// Join makes a DISH receive the messages of group (zmq_join): 1 to 255
// bytes, matched whole. Joining a group twice is ErrInvalid, as in libzmq;
// other socket types return ErrNotSupported.
func (s *Socket) Join(group string) error {
	return s.membership(group, (*dish).join)
}

// Leave stops a DISH receiving group (zmq_leave); leaving a group not
// joined is ErrInvalid.
func (s *Socket) Leave(group string) error {
	return s.membership(group, (*dish).leave)
}

func (s *Socket) membership(group string, op func(*dish, string) error) error {
	if s.typ != DISH {
		return fmt.Errorf("%w: Join and Leave are for DISH sockets, not %v", ErrNotSupported, s.typ)
	}
	if err := checkGroup(len(group)); err != nil {
		return err
	}
	if s.isClosed() {
		return ErrClosed
	}
	s.opMu.Lock()
	err := op(s.pat.(*dish), group)
	s.opMu.Unlock()
	return err
}
