package zmq

import (
	"fmt"

	"github.com/purezmq/zmq/internal/pipe"
	"github.com/purezmq/zmq/internal/route"
	"github.com/purezmq/zmq/internal/transport"
	"github.com/purezmq/zmq/internal/zmtp"
)

// radio is RADIO (libzmq 4.3's radio_t): each message goes to every peer
// whose DISH joined its Group, never waiting: a peer whose queue is full
// misses it (unless WithXPubNoDrop, which libzmq's RADIO takes too). The
// DISHes' JOINs and LEAVEs arrive on each pipe's In queue and are applied
// at the start of each send, so a message sent after a JOIN arrived
// reaches the DISH. A udp endpoint takes every message: the DISH at the far
// end filters for itself.
type radio struct {
	sock   *Socket
	groups route.Groups
	all    []*pipe.Pipe
	// datagrams are the udp endpoints.
	datagrams []*pipe.Pipe
	// joinWake is what the In queues signal when a JOIN or LEAVE arrives,
	// so a send looks at them only when there is something to read.
	joinWake pipe.Wake
	dirty    bool
	matched  []*pipe.Pipe
	scratch  []pipe.Msg
	fan      fanOut
}

func newRadio(s *Socket) *radio {
	return isolate(radio{sock: s, joinWake: pipe.NewWake()})
}

func (r *radio) attach(p *pipe.Pipe) bool {
	r.all = append(r.all, p)
	if p.Peer().Datagrams {
		r.datagrams = append(r.datagrams, p)
		return true
	}
	p.In.SetReaderWake(r.joinWake)
	r.process(p)
	return true
}

// reconnected: a new DISH is behind a connecting pipe. The old one's
// groups go, and the new one sends JOINs of its own. (libzmq keeps the old
// peer's groups: a DISH that left a group while disconnected would still
// be sent it.)
func (r *radio) reconnected(p *pipe.Pipe) {
	r.process(p)
	r.groups.RemovePipe(p)
}

func (r *radio) detach(p *pipe.Pipe) {
	r.all = removePipe(r.all, p)
	r.datagrams = removePipe(r.datagrams, p)
	r.groups.RemovePipe(p)
}

func removePipe(ps []*pipe.Pipe, p *pipe.Pipe) []*pipe.Pipe {
	for i, x := range ps {
		if x == p {
			ps = append(ps[:i], ps[i+1:]...)
			ps[:cap(ps)][len(ps)] = nil
			break
		}
	}
	return ps
}

// refresh applies the JOINs and LEAVEs waiting on the pipes.
func (r *radio) refresh() {
	select {
	case <-r.joinWake:
	default:
		if !r.dirty {
			return
		}
	}
	r.dirty = false
	for _, p := range r.all {
		r.process(p)
	}
}

// process reads what p's DISH sent, until its queue is empty (which arms
// it to signal the next) or processBatch messages were read.
func (r *radio) process(p *pipe.Pipe) {
	for n := 0; ; {
		if n >= processBatch {
			r.dirty = true
			return
		}
		batch, _ := p.In.PopBatch(r.scratch[:0], processBatch)
		if len(batch) == 0 {
			return
		}
		n += len(batch)
		for _, m := range batch {
			switch m.Kind {
			case pipe.Join:
				r.groups.Join(m.Group, p)
			case pipe.Leave:
				r.groups.Leave(m.Group, p)
			}
		}
		clear(batch)
		r.scratch = batch[:0]
	}
}

func (r *radio) send(m *pipe.Msg) error {
	if err := checkGroup(m.Group); err != nil {
		return err
	}
	if len(r.datagrams) > 0 {
		if err := fitsDatagram(m); err != nil {
			return err
		}
	}
	r.refresh()
	matched := r.groups.AppendMembers(r.matched[:0], m.Group)
	matched = append(matched, r.datagrams...)
	defer r.release(matched)
	if r.sock.view.Load().xpubNoDrop { // one field, not a copy of the view
		if len(matched) == 1 {
			// One push tells whether there is room, and arms the
			// queue if not.
			if !matched[0].Out.Push(*m) {
				return errWouldBlock
			}
			return nil
		}
		for _, p := range matched {
			if !p.Out.Writable() {
				return errWouldBlock
			}
		}
	}
	pushAll(&r.fan, m, matched, samePipe)
	return nil
}

// release keeps the matched slice for the next send, holding no pipe.
func (r *radio) release(matched []*pipe.Pipe) {
	clear(matched)
	r.matched = matched[:0]
}

// fitsDatagram holds a message for a udp endpoint to what one datagram
// carries, and to the group length libzmq's udp engine survives.
func fitsDatagram(m *pipe.Msg) error {
	if len(m.Group) > transport.MaxDatagramGroup {
		return fmt.Errorf("%w: a group over udp is at most %d bytes, not %d (libzmq's udp engine aborts on longer ones)",
			ErrInvalid, transport.MaxDatagramGroup, len(m.Group))
	}
	if transport.DatagramSize(m.Group, m.Frames[0]) > transport.MaxDatagram {
		return fmt.Errorf("%w: %d bytes of group and body do not fit a %d-byte datagram",
			ErrMsgTooLarge, len(m.Group)+len(m.Frames[0]), transport.MaxDatagram-1)
	}
	return nil
}

func (r *radio) recv() (pipe.Msg, error) {
	return pipe.Msg{}, fmt.Errorf("%w: RADIO only sends", ErrNotSupported)
}

// writable: a RADIO never blocks, as libzmq says for polling.
func (r *radio) writable() bool { return true }

// checkGroup holds a group to libzmq's limits. The empty group is refused
// too: a RADIO message must name a group, and a DISH cannot join none.
func checkGroup(group string) error {
	switch {
	case group == "":
		return fmt.Errorf("%w: a RADIO/DISH group is 1 to %d bytes, not empty", ErrInvalid, zmtp.MaxGroupLength)
	case len(group) > zmtp.MaxGroupLength:
		return fmt.Errorf("%w: group of %d bytes, longer than %d", ErrInvalid, len(group), zmtp.MaxGroupLength)
	}
	return nil
}
