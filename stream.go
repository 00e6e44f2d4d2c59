package zmq

import (
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"net"
	"slices"

	"github.com/purezmq/zmq/internal/engine"
	"github.com/purezmq/zmq/internal/pipe"
)

// stream is STREAM (libzmq's ZMQ_STREAM): it talks to raw TCP (or ipc)
// peers, with no ZMTP at all. Each connection gets a routing id, a zero byte
// then a 32-bit counter from a random start, as in libzmq. What a peer sends
// is received as [id, bytes], in chunks as they come off the connection; a
// connection made and a connection lost are both told as [id, ""] (libzmq
// 4.3's ZMQ_STREAM_NOTIFY, on by default). Send takes exactly [id, bytes]
// and writes the bytes to that peer; [id, ""] closes its connection once
// what was sent before is written.
//
// A connecting STREAM is a raw TCP client: like libzmq's, its pipe and its
// id last across reconnections (each of which is told as [id, ""] again),
// and closing the connection with [id, ""] also stops reconnecting. The id
// is made when Connect is called; WithConnectRoutingID set before Connect
// chooses it instead, so the application knows it without waiting for the
// connect notice.
// Inproc peers, which have no byte stream, are refused.
type stream struct {
	sock *Socket
	// peers are in fair-queue order; a detached peer stays until what it
	// holds (its disconnect notice last) has been read.
	peers  []*streamPeer
	next   int
	byPipe map[*pipe.Pipe]*streamPeer
	byID   map[string]*streamPeer
	nextID uint32
}

type streamPeer struct {
	p  *pipe.Pipe
	id []byte
}

func newStream(s *Socket) *stream {
	return isolate(stream{
		sock:   s,
		byPipe: map[*pipe.Pipe]*streamPeer{},
		byID:   map[string]*streamPeer{},
		nextID: rand.Uint32(),
	})
}

func (st *stream) attach(p *pipe.Pipe) bool {
	if isInproc(p) {
		st.sock.options().logger().Warn("zmq: STREAM sockets take tcp and ipc peers only; inproc peer refused")
		return false
	}
	sp := &streamPeer{p: p, id: st.connectID(p)}
	if sp.id == nil {
		sp.id = st.makeID()
	}
	st.peers = append(st.peers, sp)
	st.byPipe[p] = sp
	st.byID[string(sp.id)] = sp
	return true
}

// connectID returns the id WithConnectRoutingID set for p, if p is a
// connecting pipe and the id is set and free, as libzmq names the peer of
// the next connect (where a taken id is a failed assertion, this falls back
// to a made-up id).
func (st *stream) connectID(p *pipe.Pipe) []byte {
	if st.sock.patternOptions().connectRoutingID == nil || st.sock.dialerOf(p) == nil {
		return nil
	}
	id := st.sock.takeConnectRoutingID()
	if id != nil && st.byID[string(id)] != nil {
		st.sock.options().logger().Warn("zmq: connect routing id already in use; making one up", "id", id)
		return nil
	}
	return id
}

// makeID returns an unused id: a zero byte, then a 32-bit counter.
func (st *stream) makeID() []byte {
	for {
		id := make([]byte, 5)
		binary.BigEndian.PutUint32(id[1:], st.nextID)
		st.nextID++
		if st.byID[string(id)] == nil {
			return id
		}
	}
}

// reconnected: the connect notice on the pipe says it all.
func (st *stream) reconnected(*pipe.Pipe) {}

// detach stops routing to p; what it holds can still be received.
func (st *stream) detach(p *pipe.Pipe) {
	sp := st.byPipe[p]
	if sp == nil {
		return
	}
	delete(st.byPipe, p)
	delete(st.byID, string(sp.id))
}

// forget drops sp at once, with whatever it still holds.
func (st *stream) forget(sp *streamPeer) {
	delete(st.byPipe, sp.p)
	if st.byID[string(sp.id)] == sp {
		delete(st.byID, string(sp.id))
	}
	if i := slices.Index(st.peers, sp); i >= 0 {
		st.peers = slices.Delete(st.peers, i, i+1)
		if st.next > i {
			st.next--
		}
	}
	if st.next >= len(st.peers) {
		st.next = 0
	}
}

func (st *stream) send(m *pipe.Msg) error {
	if len(m.Frames) != 2 {
		return fmt.Errorf("%w: a STREAM message is a routing id and one frame of data, not %d frames", ErrInvalid, len(m.Frames))
	}
	sp := st.byID[string(m.Frames[0])]
	if sp == nil {
		return fmt.Errorf("%w: no STREAM peer has routing id %x", ErrHostUnreachable, m.Frames[0])
	}
	if len(m.Frames[1]) == 0 {
		st.close(sp)
		return nil
	}
	if !sp.p.Out.Push(&pipe.Msg{Frames: m.Frames[1:2:2]}) {
		return errWouldBlock
	}
	return nil
}

// close ends sp's connection at the application's request: the engine
// writes what is queued, then closes. Nothing more is received from it, not
// even a disconnect notice (libzmq terminates the pipe), and a connecting
// pipe does not reconnect. Unlike libzmq, the request does not wait for
// room in a full queue.
func (st *stream) close(sp *streamPeer) {
	// The dialer stays listed, so that Close can still cut a connection
	// slow to drain.
	if d := st.sock.dialerOf(sp.p); d != nil {
		d.cancel()
	}
	sp.p.Out.PushForce(&pipe.Msg{Frames: [][]byte{{}}})
	st.forget(sp)
	sp.p.In.DiscardTaken()
}

func (st *stream) recv(dst *pipe.Msg) error {
	var dead []*streamPeer
	defer func() {
		for _, sp := range dead {
			st.forget(sp)
		}
	}()
	n := len(st.peers)
	for k := 0; k < n; k++ {
		idx := (st.next + k) % n
		sp := st.peers[idx]
		var m pipe.Msg
		ok, closed := sp.p.In.Pop(&m)
		if !ok {
			if closed {
				dead = append(dead, sp)
			}
			continue
		}
		st.next = (idx + 1) % n
		data := []byte{}
		if len(m.Frames) > 0 {
			data = m.Frames[0]
		}
		*dst = pipe.Msg{Frames: [][]byte{append([]byte(nil), sp.id...), data}, Meta: m.Meta}
		return nil
	}
	return errWouldBlock
}

// dialerOf returns the dialer whose pipe is p, or nil.
func (s *Socket) dialerOf(p *pipe.Pipe) *dialer {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, ds := range s.dialers {
		for _, d := range ds {
			if d.pipe == p {
				return d
			}
		}
	}
	return nil
}

// serveRaw runs a connection a STREAM socket accepted: no handshake, a pipe
// of its own for as long as it lasts. The id stops routing before the
// disconnect notice can be received, so a send answering the notice fails
// with ErrHostUnreachable.
func (s *Socket) serveRaw(conn net.Conn, endpoint string) {
	o := s.options()
	p := pipe.New(o.sendHWM, o.recvHWM, s.readable, s.writable)
	if !s.attach(p) {
		conn.Close()
		return
	}
	err := s.runRaw(conn, p)
	s.detach(p)
	s.rawNotice(p)
	p.In.CloseWrite()
	s.emit(EventDisconnected, endpoint, err)
}

// connectRaw runs one connection a STREAM socket made, on the dialer's
// lasting pipe, whose id stays for the next connection. It reports true:
// there is no handshake to fail.
func (s *Socket) connectRaw(d *dialer, conn net.Conn) bool {
	err := s.runRaw(conn, d.pipe)
	s.rawNotice(d.pipe)
	s.emit(EventDisconnected, d.endpoint, err)
	return true
}

// runRaw runs the raw engine on conn, after telling the application of the
// connection.
func (s *Socket) runRaw(conn net.Conn, p *pipe.Pipe) error {
	p.SetPeer(engine.RawPeer(conn))
	s.rawNotice(p)
	return engine.RunRaw(conn, p, s.engineConfig())
}

// rawNotice tells the application that p's connection was made or lost,
// with an empty message, unless WithStreamNotify(false) said not to.
// Notices do not count against the high-water mark, so none is lost.
func (s *Socket) rawNotice(p *pipe.Pipe) {
	if s.patternOptions().streamSilent {
		return
	}
	p.In.PushForce(&pipe.Msg{Frames: [][]byte{{}}, Meta: p.Peer().Meta})
}
