package zmq

import (
	"fmt"
	"unsafe"

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
	// slab serves the frame headers of the messages sent (grouped).
	slab [][]byte
}

const (
	// groupedSlab is how many frame headers one allocation serves: a
	// message travels as [group, body], two of them.
	groupedSlab = 128
	// groupedSlabBody is the largest body carved from the slab: a slab
	// keeps every body in it alive until all of its messages are gone, so
	// a large one gets headers of its own.
	groupedSlabBody = 1024
)

// grouped returns the frames a message of group travels as in the pipes:
// [group, body] (pipe.Msg), with no allocation in steady state. The group
// frame aliases the string's bytes, which Go never changes and nothing
// downstream writes: frames are only read, matched and written out, and a
// DISH hands its caller the body alone.
func (r *radio) grouped(group string, body []byte) [][]byte {
	g := unsafe.Slice(unsafe.StringData(group), len(group))
	if len(body) > groupedSlabBody {
		return [][]byte{g, body}
	}
	if cap(r.slab)-len(r.slab) < 2 {
		r.slab = make([][]byte, 0, groupedSlab)
	}
	r.slab = append(r.slab, g, body)
	n := len(r.slab)
	return r.slab[n-2 : n : n]
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
			if len(m.Frames) != 1 {
				continue
			}
			switch m.Kind {
			case pipe.Join:
				r.groups.Join(string(m.Frames[0]), p)
			case pipe.Leave:
				r.groups.Leave(string(m.Frames[0]), p)
			}
		}
		clear(batch)
		r.scratch = batch[:0]
	}
}

// send takes m as grouped made it.
func (r *radio) send(m *pipe.Msg) error {
	group := m.Frames[0]
	if err := checkGroup(len(group)); err != nil {
		return err
	}
	if len(r.datagrams) > 0 {
		if err := fitsDatagram(m); err != nil {
			return err
		}
	}
	r.refresh()
	matched := r.groups.AppendMembers(r.matched[:0], group)
	matched = append(matched, r.datagrams...)
	defer r.release(matched)
	if r.sock.view.Load().xpubNoDrop { // one field, not a copy of the view
		if len(matched) == 1 {
			// One push tells whether there is room, and arms the
			// queue if not.
			if !matched[0].Out.Push(m) {
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
	r.sock.outran(pushAll(&r.fan, m, matched, samePipe))
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
	group, body := m.Frames[0], m.Frames[1]
	if len(group) > transport.MaxDatagramGroup {
		return fmt.Errorf("%w: a group over udp is at most %d bytes, not %d (libzmq's udp engine aborts on longer ones)",
			ErrInvalid, transport.MaxDatagramGroup, len(group))
	}
	if transport.DatagramSize(group, body) > transport.MaxDatagram {
		return fmt.Errorf("%w: %d bytes of group and body do not fit a %d-byte datagram",
			ErrMsgTooLarge, len(group)+len(body), transport.MaxDatagram-1)
	}
	return nil
}

func (r *radio) recv(*pipe.Msg) error {
	return fmt.Errorf("%w: RADIO only sends", ErrNotSupported)
}

// writable: a RADIO never blocks, as libzmq says for polling.
func (r *radio) writable() bool { return true }

// checkGroup holds a group of size bytes to libzmq's limits. The empty
// group is refused too: a RADIO message must name a group, and a DISH
// cannot join none.
func checkGroup(size int) error {
	switch {
	case size == 0:
		return fmt.Errorf("%w: a RADIO/DISH group is 1 to %d bytes, not empty", ErrInvalid, zmtp.MaxGroupLength)
	case size > zmtp.MaxGroupLength:
		return fmt.Errorf("%w: group of %d bytes, longer than %d", ErrInvalid, size, zmtp.MaxGroupLength)
	}
	return nil
}
