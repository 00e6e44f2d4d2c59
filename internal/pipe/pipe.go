package pipe

import (
	"sync"
	"sync/atomic"

	"github.com/purezmq/zmq/internal/zmtp"
)

// Pipe is a socket's link to one peer: a queue each way. Over tcp and ipc the
// far ends of the queues belong to a connection's engine; over inproc they
// belong to the peer socket, so messages pass by reference.
type Pipe struct {
	// In carries messages from the peer to the socket, Out the reverse.
	In, Out *Queue
	// EngineIn and EngineOut wake the engine that serves this pipe: when
	// room frees up in In, and when a message arrives in Out. They outlive
	// connections, so a reconnecting session keeps its queues.
	EngineIn, EngineOut Wake

	// held marks a pipe that must not be given messages yet: a connecting
	// socket with ZMQ_IMMEDIATE queues only to completed connections.
	held atomic.Bool

	// direct is the connection serving the pipe, while one does and can
	// be read by the socket's consumer itself (see ReadDirect).
	direct atomic.Pointer[DirectReader]

	mu   sync.Mutex
	peer Peer
}

// A DirectReader lets the socket's consumer read its connection itself,
// on its own goroutine, when it waits for a message from its only peer:
// the bytes then come to the goroutine that wants them, instead of to a
// reader that must wake it (engine's direct.go).
type DirectReader interface {
	// ReadDirect waits for bytes and hands over the messages they hold,
	// and reports whether it read (false: the connection's reader has the
	// connection; it will lend it once it delivers again). Once it holds
	// the connection it gives up if gen has moved on from at: the caller
	// moves gen before it calls Interrupt, and reads at before it checks
	// whether to wait at all, so no interruption falls between the two.
	ReadDirect(gen *atomic.Uint64, at uint64) bool
	// Interrupt makes a ReadDirect in progress return.
	Interrupt()
	// Reading reports whether a ReadDirect is reading the connection now.
	Reading() bool
}

// SetDirect sets (nil: clears) the pipe's DirectReader.
func (p *Pipe) SetDirect(d DirectReader) {
	if d == nil {
		p.direct.Store(nil)
		return
	}
	p.direct.Store(&d)
}

// ReadDirect reads the pipe's connection on the caller's goroutine (see
// DirectReader); false when no connection lends itself.
func (p *Pipe) ReadDirect(gen *atomic.Uint64, at uint64) bool {
	if d := p.direct.Load(); d != nil {
		return (*d).ReadDirect(gen, at)
	}
	return false
}

// ReadingDirect reports whether a consumer reads the pipe's connection
// itself now (see DirectReader).
func (p *Pipe) ReadingDirect() bool {
	d := p.direct.Load()
	return d != nil && (*d).Reading()
}

// Interrupt ends a ReadDirect in progress on the pipe, if any.
func (p *Pipe) Interrupt() {
	if d := p.direct.Load(); d != nil {
		(*d).Interrupt()
	}
}

// Hold stops load-balanced sending to the pipe (true) or resumes it.
func (p *Pipe) Hold(on bool) { p.held.Store(on) }

// Held reports whether the pipe is held (see Hold).
func (p *Pipe) Held() bool { return p.held.Load() }

// Peer is what the handshake told about the other end.
type Peer struct {
	// RoutingID is the peer's Identity property (empty if it sent none).
	RoutingID []byte
	// SocketType is the peer's Socket-Type property.
	SocketType string
	// Meta holds every property the peer's messages carry.
	Meta *zmtp.Metadata
	// LegacySubscribe is set for ZMTP 3.0 and older peers, which take
	// subscriptions as messages rather than SUBSCRIBE/CANCEL commands.
	LegacySubscribe bool
	// Datagrams marks a udp endpoint: one datagram per message, no
	// handshake, and no JOIN or LEAVE (a RADIO sends it every group).
	Datagrams bool
	// NoSocketType marks a ZMTP 1.0 peer that sent no greeting, so no
	// socket type: it is known all the same.
	NoSocketType bool
}

// Known reports whether a handshake has told who the peer is; a pipe made
// by Connect has no peer until its first handshake.
func (p Peer) Known() bool { return p.SocketType != "" || p.NoSocketType }

// New returns a pipe for a connection: In bounded by recvHWM and Out by
// sendHWM; the socket's wake-ups are signalled when In gets a message and
// when Out gets room.
func New(sendHWM, recvHWM int, socketReadable, socketWritable Wake) *Pipe {
	p := &Pipe{EngineIn: NewWake(), EngineOut: NewWake()}
	p.In = NewQueue(recvHWM, socketReadable, p.EngineIn)
	p.Out = NewQueue(sendHWM, p.EngineOut, socketWritable)
	return p
}

// NewPair joins two sockets directly, for inproc: what one pushes on its Out
// the other pops from its In. Each queue is bounded by the sum of the
// sender's send HWM and the receiver's receive HWM, as libzmq computes it
// (0 on either side means unbounded).
func NewPair(a, b Ends) (*Pipe, *Pipe) {
	ab := NewQueue(JoinHWM(a.SendHWM, b.RecvHWM), b.Readable, a.Writable)
	ba := NewQueue(JoinHWM(b.SendHWM, a.RecvHWM), a.Readable, b.Writable)
	return &Pipe{In: ba, Out: ab}, &Pipe{In: ab, Out: ba}
}

// Ends describes one socket's side of an inproc pair.
type Ends struct {
	SendHWM, RecvHWM   int
	Readable, Writable Wake
}

// JoinHWM is the bound of an inproc queue: the sender's send HWM plus the
// receiver's receive HWM, or none if either is unbounded (libzmq's rule).
func JoinHWM(send, recv int) int {
	if send <= 0 || recv <= 0 {
		return 0
	}
	return send + recv
}

// SetPeer records who is at the other end (after each handshake).
func (p *Pipe) SetPeer(peer Peer) {
	p.mu.Lock()
	p.peer = peer
	p.mu.Unlock()
}

// Peer returns who is at the other end.
func (p *Pipe) Peer() Peer {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.peer
}
