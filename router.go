package zmq

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math/rand/v2"

	"github.com/purezmq/zmq/internal/pipe"
)

// router is ROUTER (RFC 28): each peer has a routing id, its own (the
// Identity it sent in the handshake) or one made up; a message received is
// prefixed with the id of the peer it came from, and a message sent goes to
// the peer its first frame names.
type router struct {
	sock *Socket
	// peers are every pipe in fair-queue order. A detached pipe stays
	// until what it holds has been read.
	peers  []*routerPeer
	next   int
	byPipe map[*pipe.Pipe]*routerPeer
	byID   map[string]*routerPeer
	// waiting are pipes whose peer is not known yet: a connecting pipe is
	// attached before its handshake, and is identified when it is done.
	waiting []*routerPeer
	// nextID numbers made-up ids, from a random start as in libzmq.
	nextID uint32
	// notices are what WithRouterNotify asks for, and messages held back
	// behind them, received before anything else.
	notices []pipe.Msg
	// prefix carves the id-prefixed frame lists and id copies of received
	// messages out of shared blocks: a message costs no allocation of its
	// own, and each gets ids and frames of its own all the same.
	prefix slab
}

// slab hands out slices of larger blocks, each capped so that appending to
// one cannot reach into the next.
type slab struct {
	frames [][]byte
	bytes  []byte
}

const (
	slabFrames = 1024
	slabBytes  = 16 << 10
)

func (s *slab) frameList(n int) [][]byte {
	if len(s.frames)+n > cap(s.frames) {
		s.frames = make([][]byte, 0, max(slabFrames, n))
	}
	start := len(s.frames)
	s.frames = s.frames[:start+n]
	return s.frames[start : start+n : start+n]
}

func (s *slab) copyBytes(b []byte) []byte {
	if len(s.bytes)+len(b) > cap(s.bytes) {
		s.bytes = make([]byte, 0, max(slabBytes, len(b)))
	}
	start := len(s.bytes)
	s.bytes = append(s.bytes, b...)
	return s.bytes[start:len(s.bytes):len(s.bytes)]
}

type routerPeer struct {
	p  *pipe.Pipe
	id []byte // nil until identified
	// ignored: its id was in use when it came, so (as in libzmq without
	// WithRouterHandover) what it sends is dropped and nothing is routed
	// to it, until the id is free again.
	ignored bool
	// named: its id came from WithConnectRoutingID and stays.
	named bool
	// accepted: a tcp or ipc connection this socket accepted, which can
	// be closed when another peer takes its id over.
	accepted bool
	gone     bool // detached
}

func newRouter(s *Socket) *router {
	return isolate(router{
		sock:   s,
		byPipe: map[*pipe.Pipe]*routerPeer{},
		byID:   map[string]*routerPeer{},
		nextID: rand.Uint32(),
	})
}

func (r *router) attach(p *pipe.Pipe) bool {
	o := r.sock.patternOptions()
	peer := p.Peer()
	rp := &routerPeer{p: p, accepted: peer.Known() && p.EngineOut != nil}
	r.peers = append(r.peers, rp)
	r.byPipe[p] = rp
	if o.probeRouter {
		p.Out.Push(&pipe.Msg{Frames: [][]byte{{}}})
	}
	if o.connectRoutingID != nil && r.locallyInitiated(p, peer) {
		if id := r.sock.takeConnectRoutingID(); id != nil {
			if r.byID[string(id)] == nil {
				rp.id, rp.named = id, true
				r.byID[string(id)] = rp
				r.notify(rp, o, NotifyConnect)
				return true
			}
			r.sock.options().logger().Warn("zmq: connect routing id already in use; using the peer's", "id", id)
		}
	}
	if !r.identify(rp, o) && !rp.ignored {
		r.waiting = append(r.waiting, rp)
	}
	return true
}

// locallyInitiated tells a pipe made by Connect from one made by Bind.
func (r *router) locallyInitiated(p *pipe.Pipe, peer pipe.Peer) bool {
	if !peer.Known() {
		return true // tcp or ipc before the handshake, or inproc before the bind
	}
	s := r.sock
	name := ""
	s.mu.Lock()
	for _, ls := range s.inprocs {
		for _, l := range ls {
			if l.near == p {
				name = l.name
			}
		}
	}
	s.mu.Unlock()
	if name == "" {
		return false
	}
	s.ctx.mu.Lock()
	binder := s.ctx.inproc.bound[name]
	s.ctx.mu.Unlock()
	return binder != s
}

// identify gives rp its routing id once its peer is known, and reports
// whether it has one.
func (r *router) identify(rp *routerPeer, o patternView) bool {
	if rp.id != nil {
		return true
	}
	peer := rp.p.Peer()
	if !peer.Known() {
		return false
	}
	id := peer.RoutingID
	if len(id) == 0 {
		id = r.makeID()
	} else if old := r.byID[string(id)]; old != nil && old != rp {
		if !o.routerHandover {
			rp.ignored = true
			return false
		}
		r.handOver(old)
	}
	rp.id, rp.ignored = append([]byte(nil), id...), false
	r.byID[string(rp.id)] = rp
	r.notify(rp, o, NotifyConnect)
	return true
}

// notify queues [id, ""] for the application, if WithRouterNotify asks
// for this event.
func (r *router) notify(rp *routerPeer, o patternView, event RouterNotify) {
	if o.routerNotify&event != 0 && rp.id != nil {
		r.notices = append(r.notices, pipe.Msg{Frames: [][]byte{append([]byte(nil), rp.id...), {}}})
	}
}

// connectionLost: a connecting pipe's peer went; a new one may come.
func (r *router) connectionLost(p *pipe.Pipe) {
	if rp := r.byPipe[p]; rp != nil {
		r.notify(rp, r.sock.patternOptions(), NotifyDisconnect)
	}
}

// handOver moves old out of the way of a newcomer with its id: it gets a
// made-up id, and an accepted connection is closed once what is queued for
// it is written, as libzmq does. A connecting pipe is kept: it would only
// reconnect.
func (r *router) handOver(old *routerPeer) {
	delete(r.byID, string(old.id))
	old.id = r.makeID()
	r.byID[string(old.id)] = old
	if old.accepted {
		old.p.Out.CloseWrite()
	}
}

// makeID returns an unused id: a zero byte, then a 32-bit counter.
func (r *router) makeID() []byte {
	for {
		id := make([]byte, 5)
		binary.BigEndian.PutUint32(id[1:], r.nextID)
		r.nextID++
		if r.byID[string(id)] == nil {
			return id
		}
	}
}

// checkWaiting identifies the pipes whose handshake has finished.
func (r *router) checkWaiting() {
	o := r.sock.patternOptions()
	kept := r.waiting[:0]
	for _, rp := range r.waiting {
		if !r.identify(rp, o) && !rp.ignored {
			kept = append(kept, rp)
		}
	}
	clear(r.waiting[len(kept):])
	r.waiting = kept
}

// reconnected: a connecting pipe has a new peer. It keeps its id unless the
// new peer has another Identity that is free (or WithRouterHandover lets it
// take it): libzmq keeps the first id always, and so does a pipe named with
// WithConnectRoutingID.
func (r *router) reconnected(p *pipe.Pipe) {
	rp := r.byPipe[p]
	if rp == nil {
		return
	}
	o := r.sock.patternOptions()
	if o.probeRouter {
		p.Out.Push(&pipe.Msg{Frames: [][]byte{{}}})
	}
	if rp.id == nil {
		if len(r.waiting) > 0 {
			r.checkWaiting()
		} else {
			r.identify(rp, o)
		}
		return
	}
	defer r.notify(rp, o, NotifyConnect)
	newID := p.Peer().RoutingID
	if rp.named || len(newID) == 0 || bytes.Equal(newID, rp.id) {
		return
	}
	if other := r.byID[string(newID)]; other != nil {
		if !o.routerHandover {
			return
		}
		r.handOver(other)
	}
	delete(r.byID, string(rp.id))
	rp.id = append([]byte(nil), newID...)
	r.byID[string(rp.id)] = rp
}

func (r *router) detach(p *pipe.Pipe) {
	rp := r.byPipe[p]
	if rp == nil {
		return
	}
	delete(r.byPipe, p)
	rp.gone = true
	freed := false
	if rp.id != nil && r.byID[string(rp.id)] == rp {
		delete(r.byID, string(rp.id))
		freed = true
	}
	for i, w := range r.waiting {
		if w == rp {
			r.waiting = append(r.waiting[:i], r.waiting[i+1:]...)
			r.waiting[len(r.waiting):cap(r.waiting)][0] = nil
			break
		}
	}
	if p.In.Empty() {
		r.drop(rp)
	}
	if freed {
		// A peer ignored for having this id can have it now.
		o := r.sock.patternOptions()
		for _, x := range r.peers {
			if x.ignored && !x.gone {
				r.identify(x, o)
			}
		}
	}
}

// drop removes rp from the fair queue, once what it sent has been read,
// and tells the application if it asked.
func (r *router) drop(rp *routerPeer) {
	if !rp.ignored {
		r.notify(rp, r.sock.patternOptions(), NotifyDisconnect)
	}
	for i, x := range r.peers {
		if x == rp {
			r.peers = append(r.peers[:i], r.peers[i+1:]...)
			r.peers[len(r.peers):cap(r.peers)][0] = nil
			if r.next > i {
				r.next--
			}
			if r.next >= len(r.peers) {
				r.next = 0
			}
			return
		}
	}
}

func (r *router) recv(dst *pipe.Msg) error {
	if len(r.waiting) > 0 {
		r.checkWaiting()
	}
	if len(r.notices) > 0 {
		*dst = r.nextNotice()
		return nil
	}
	var dead []*routerPeer
	defer func() {
		for _, rp := range dead {
			r.drop(rp)
		}
	}()
	n := len(r.peers)
	for k := 0; k < n; k++ {
		idx := (r.next + k) % n
		rp := r.peers[idx]
		if !r.pop(rp, dst) {
			if rp.gone {
				dead = append(dead, rp)
			}
			continue
		}
		r.next = (idx + 1) % n
		// The peer's id goes in front, in place (see pipe.Queue.Pop).
		frames := r.prefix.frameList(len(dst.Frames) + 1)
		frames[0] = r.prefix.copyBytes(rp.id)
		copy(frames[1:], dst.Frames)
		dst.Frames, dst.Kind, dst.RoutingID = frames, pipe.Data, 0
		if len(r.notices) > 0 {
			// The peer was identified as its message was read: its
			// connect notice goes first.
			r.notices = append(r.notices, *dst)
			*dst = r.nextNotice()
		}
		return nil
	}
	// The peers that left are dropped now, not on the way out, so that
	// their disconnect notices are seen by this receive.
	for _, rp := range dead {
		r.drop(rp)
	}
	dead = nil
	if len(r.notices) > 0 {
		*dst = r.nextNotice()
		return nil
	}
	return errWouldBlock
}

func (r *router) nextNotice() pipe.Msg {
	m := r.notices[0]
	r.notices[0] = pipe.Msg{}
	r.notices = r.notices[1:]
	if len(r.notices) == 0 {
		r.notices = nil
	}
	return m
}

// pop moves rp's next message to m if rp has an id; an ignored peer's
// messages are read and dropped.
func (r *router) pop(rp *routerPeer, m *pipe.Msg) bool {
	for {
		if ok, _ := rp.p.In.Pop(m); !ok {
			return false
		}
		if rp.id == nil && !rp.gone {
			r.identify(rp, r.sock.patternOptions())
		}
		if rp.id != nil {
			return true
		}
	}
}

// send routes m by its first frame, which is stripped. A message for an
// unknown peer, or whose peer's queue is full, is dropped, unless
// WithRouterMandatory: then ErrHostUnreachable, or waiting for room. A
// message that is only an id is dropped, as libzmq does.
func (r *router) send(m *pipe.Msg) error {
	if len(r.waiting) > 0 {
		r.checkWaiting()
	}
	if len(m.Frames) < 2 {
		return nil
	}
	rp := r.byID[string(m.Frames[0])]
	if rp == nil {
		if r.sock.patternOptions().routerMandatory {
			return fmt.Errorf("%w: no peer with routing id %q", ErrHostUnreachable, m.Frames[0])
		}
		return nil
	}
	if !rp.p.Out.Push(&pipe.Msg{Frames: m.Frames[1:]}) && r.sock.patternOptions().routerMandatory {
		return errWouldBlock
	}
	return nil
}

// writable: a ROUTER can always send (what it cannot route it drops),
// unless WithRouterMandatory: then some peer must have room, as libzmq's
// says.
func (r *router) writable() bool {
	if !r.sock.patternOptions().routerMandatory {
		return true
	}
	for _, rp := range r.byID {
		if rp.p.Out.Writable() {
			return true
		}
	}
	return false
}
