package zmq

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/purezmq/zmq/internal/engine"
	"github.com/purezmq/zmq/internal/pipe"
)

// Socket is a ZeroMQ socket. Like a libzmq socket it is meant for one
// goroutine at a time, but its methods are safe to call concurrently: one
// goroutine may Send while another Receives, and Close may be called from
// anywhere, unblocking both.
type Socket struct {
	typ Type
	ctx *Context

	// opMu guards the pattern's state: every send, receive and change of
	// pipes happens under it. It is never held while waiting.
	opMu sync.Mutex
	pat  pattern

	readable, writable pipe.Wake
	done               chan struct{}
	closeOnce          sync.Once

	mu           sync.Mutex // guards the fields below
	opts         options
	closing      bool
	lastEndpoint string
	listeners    map[string][]*listener
	mounted      *listener // connections from WebSocketHandler
	dialers      map[string][]*dialer
	inprocs      map[string][]*inprocLink
	pipes        map[*pipe.Pipe]struct{}

	wg    sync.WaitGroup
	stats engine.Stats
	// closer tells the socket's connections that it is closing.
	closer *engine.Closing

	monMu           sync.Mutex
	monitors        []*Monitor
	monitorsStopped bool

	// peeked is a message a Poller received ahead for the next Recv.
	peeked    pipe.Msg
	hasPeeked bool

	// outgoing holds the message being sent, and incoming the one being
	// received, under opMu: through fields, not locals, so that handing
	// their addresses to the socket type does not move them to the heap.
	outgoing, incoming pipe.Msg
	// lastGroup is a DISH's last group received, under opMu (fromPipe).
	lastGroup string
	// dropped says the send under way dropped a message at a full queue
	// (outran), under opMu.
	dropped bool
	// The timeouts are read on every call, so they are kept out of mu.
	sendTimeout, recvTimeout atomic.Int64
	view                     atomic.Pointer[patternView]
	direct                   directRecv
}

// pattern is what a socket type implements. Every method runs under opMu.
type pattern interface {
	// attach adds a pipe to a new peer (or, for a connecting socket, to an
	// endpoint that will have peers). It reports false to refuse the peer
	// (a PAIR that has one already).
	attach(p *pipe.Pipe) bool
	// reconnected tells that a connecting pipe has a new peer behind it.
	reconnected(p *pipe.Pipe)
	// detach removes a pipe for good.
	detach(p *pipe.Pipe)
	// send queues m, or returns errWouldBlock if it must wait.
	send(m *pipe.Msg) error
	// recv moves the next message to m, or returns errWouldBlock (or
	// another error), m then holding nothing of use. Through a pointer,
	// not returned: see pipe.Queue.Pop.
	recv(m *pipe.Msg) error
}

// NewSocket returns a socket of type t in the default context.
func NewSocket(t Type, opts ...Option) (*Socket, error) {
	return defaultContext.NewSocket(t, opts...)
}

func newSocket(c *Context, t Type, opts []Option) (*Socket, error) {
	s := &Socket{
		typ:       t,
		ctx:       c,
		readable:  pipe.NewWake(),
		writable:  pipe.NewWake(),
		done:      make(chan struct{}),
		opts:      defaultOptions(),
		listeners: map[string][]*listener{},
		dialers:   map[string][]*dialer{},
		inprocs:   map[string][]*inprocLink{},
		pipes:     map[*pipe.Pipe]struct{}{},
		closer:    engine.NewClosing(),
	}
	s.opts.socketType = t
	if t == DISH {
		// As libzmq's DISH: what it queues is JOINs and LEAVEs, not
		// worth waiting for at Close.
		s.opts.linger = 0
	}
	for _, o := range opts {
		if err := o(&s.opts); err != nil {
			return nil, err
		}
	}
	s.publishOptions()
	pat, err := newPattern(s)
	if err != nil {
		return nil, err
	}
	s.pat = pat
	return s, nil
}

// Type returns the socket's type.
func (s *Socket) Type() Type { return s.typ }

// SetOptions changes options after the socket was made.
func (s *Socket) SetOptions(opts ...Option) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.opts
	for _, opt := range opts {
		if err := opt(&o); err != nil {
			return err
		}
	}
	s.opts = o
	s.publishOptions()
	return nil
}

// publishOptions publishes what is read on every Send and Recv without
// taking s.mu; s.mu is held, or the socket is not shared yet.
func (s *Socket) publishOptions() {
	s.sendTimeout.Store(int64(s.opts.sendTimeout))
	s.recvTimeout.Store(int64(s.opts.recvTimeout))
	s.publishView()
}

func (s *Socket) options() options {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.opts
}

// The accessors below copy one setting, where options() copies them all:
// the goroutines that serve connections stay parked for as long as a
// connection lasts, and a copy of the options on their stacks would keep
// every idle connection's stack at twice the size.

func (s *Socket) hwms() (send, recv int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.opts.sendHWM, s.opts.recvHWM
}

// Send sends a message, all of its frames or none. It blocks while the
// socket type says to wait (no peer yet, or the high-water mark reached),
// until ctx is done (returning ctx.Err()), the send timeout runs out
// (ErrAgain), or the socket is closed (ErrClosed).
func (s *Socket) Send(ctx context.Context, m Msg) error {
	if len(m.Frames) == 0 {
		return fmt.Errorf("%w: a message needs at least one frame", ErrInvalid)
	}
	if len(m.Frames) > 1 && s.typ.singlePart() {
		return fmt.Errorf("%w: a %v message is one frame, not %d", ErrInvalid, s.typ, len(m.Frames))
	}
	// What a type does not route by stays behind, so an inproc peer sees
	// only what its own type sets.
	if !s.typ.routed() {
		m.RoutingID = 0
	}
	if s.typ != RADIO {
		m.Group = ""
	}
	var w waiter
	defer w.stop()
	for {
		if s.isClosed() {
			return ErrClosed
		}
		s.opMu.Lock()
		// The message goes through a field, not a local, so that handing
		// its address to the socket type does not move it to the heap.
		s.toPipe(&s.outgoing, &m)
		err := s.pat.send(&s.outgoing)
		s.outgoing = pipe.Msg{}
		yield := s.dropped
		s.dropped = false
		s.opMu.Unlock()
		if yield {
			runtime.Gosched()
		}
		if err != errWouldBlock {
			return err
		}
		if err := w.wait(ctx, s, s.writable, time.Duration(s.sendTimeout.Load())); err != nil {
			return err
		}
	}
}

// outran tells the socket that a send dropped its message at n full
// queues (a PUB, XSUB or RADIO never waits); opMu is held. Send then yields
// the processor once it has let go of the lock: a sender that outruns its
// queues takes a core from the goroutines that drain them, this process's
// writers and any receivers it holds, where libzmq's I/O thread is a thread
// of its own that the kernel shares the cores with. A PUB dropping to ten
// SUBs in its process over tcp, HWM 1000, 16 B: without the yield each SUB
// got 233 k msg/s and 90% was dropped, with it 628 k and 9% (libzmq 317 k
// and 95%, medians of 3, same run).
func (s *Socket) outran(n int) {
	if n > 0 {
		s.dropped = true
	}
}

// Recv receives the next message. It blocks until one arrives, ctx is done
// (returning ctx.Err()), the receive timeout runs out (ErrAgain), or the
// socket is closed (ErrClosed).
func (s *Socket) Recv(ctx context.Context) (Msg, error) {
	var w waiter
	defer w.stop()
	for {
		if s.isClosed() {
			return Msg{}, ErrClosed
		}
		var m Msg
		s.opMu.Lock()
		err := s.takeMessage(&m)
		s.opMu.Unlock()
		if err == nil {
			return m, nil
		}
		if err != errWouldBlock {
			return Msg{}, err
		}
		if s.recvDirect(ctx) {
			if err := ctx.Err(); err != nil {
				return Msg{}, err
			}
			continue
		}
		if err := w.wait(ctx, s, s.readable, time.Duration(s.recvTimeout.Load())); err != nil {
			return Msg{}, err
		}
	}
}

// takeMessage moves to m a message a Poller received ahead, or the next
// one; opMu is held.
func (s *Socket) takeMessage(m *Msg) error {
	if s.hasPeeked {
		s.fromPipe(m, &s.peeked)
		s.peeked, s.hasPeeked = pipe.Msg{}, false
		return nil
	}
	if err := s.pat.recv(&s.incoming); err != nil {
		s.incoming = pipe.Msg{}
		return err
	}
	s.fromPipe(m, &s.incoming)
	s.incoming = pipe.Msg{}
	return nil
}

func (s *Socket) isClosed() bool {
	select {
	case <-s.done:
		return true
	default:
		return false
	}
}

// waiter waits for a wake-up between tries of a blocking call, and owns the
// call's timeout timer, made only if the call does have to wait.
type waiter struct {
	timer *time.Timer
}

func (w *waiter) wait(ctx context.Context, s *Socket, wake pipe.Wake, timeout time.Duration) error {
	if timeout == 0 {
		return ErrAgain
	}
	var expired <-chan time.Time
	if timeout > 0 {
		if w.timer == nil {
			w.timer = time.NewTimer(timeout)
		}
		expired = w.timer.C
	}
	select {
	case <-wake:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	case <-s.done:
		return ErrClosed
	case <-expired:
		return ErrAgain
	}
}

func (w *waiter) stop() {
	if w.timer != nil {
		w.timer.Stop()
	}
}

// attach hands a new pipe to the pattern, unless the socket is closing.
func (s *Socket) attach(p *pipe.Pipe) bool {
	s.mu.Lock()
	if s.closing {
		s.mu.Unlock()
		return false
	}
	s.pipes[p] = struct{}{}
	s.setSolo()
	s.mu.Unlock()
	s.opMu.Lock()
	ok := s.pat.attach(p)
	s.opMu.Unlock()
	if !ok {
		s.mu.Lock()
		delete(s.pipes, p)
		s.setSolo()
		s.mu.Unlock()
		return false
	}
	s.wakeAll()
	return true
}

func (s *Socket) reconnected(p *pipe.Pipe) {
	s.opMu.Lock()
	s.pat.reconnected(p)
	s.opMu.Unlock()
	s.wakeAll()
}

func (s *Socket) detach(p *pipe.Pipe) {
	s.mu.Lock()
	delete(s.pipes, p)
	s.setSolo()
	s.mu.Unlock()
	s.opMu.Lock()
	s.pat.detach(p)
	s.opMu.Unlock()
	s.wakeAll()
}

// wakeAll wakes a waiting Send and Recv so they look at the pipes again
// (a Recv reading its only peer's connection too).
func (s *Socket) wakeAll() {
	s.interruptDirect()
	s.readable.Signal()
	s.writable.Signal()
}

// Stats are counts of connections the socket dropped, by reason, and of
// the datagrams its udp endpoints dropped, and of what Close gave up on.
type Stats struct {
	ProtocolErrors    int64
	AuthFailures      int64
	HandshakeTimeouts int64
	OversizedMessages int64
	HeartbeatTimeouts int64
	// RefusedPeers are connections closed as they were accepted because
	// WithTCPAcceptFilter or an ipc filter did not admit them.
	RefusedPeers int64
	// ProxyFailures are connection attempts that failed at the SOCKS
	// proxy (WithSOCKSProxy): refused, garbled or silent.
	ProxyFailures int64
	// CloseDroppedMessages counts the messages Close dropped without
	// having handed them to the operating system: queued for a peer that
	// was not connected, or still queued when Close gave up on a peer.
	// Subscriptions are not messages and are not counted.
	CloseDroppedMessages int64
	// CloseAbandonedPeers counts the connections and not yet connected
	// endpoints Close stopped waiting for before everything queued for
	// them was delivered (see Close).
	CloseAbandonedPeers int64
}

// Stats returns how many connections were dropped, and why, and what Close
// gave up on. It may be called after Close.
func (s *Socket) Stats() Stats {
	return Stats{
		ProtocolErrors:       s.stats.ProtocolErrors.Load(),
		AuthFailures:         s.stats.AuthFailures.Load(),
		HandshakeTimeouts:    s.stats.HandshakeTimeouts.Load(),
		OversizedMessages:    s.stats.OversizedMessages.Load(),
		HeartbeatTimeouts:    s.stats.HeartbeatTimeouts.Load(),
		RefusedPeers:         s.stats.RefusedPeers.Load(),
		ProxyFailures:        s.stats.ProxyFailures.Load(),
		CloseDroppedMessages: s.stats.CloseDroppedMessages.Load(),
		CloseAbandonedPeers:  s.stats.CloseAbandonedPeers.Load(),
	}
}
