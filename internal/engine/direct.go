package engine

import (
	"errors"
	"os"
	"sync"
	"sync/atomic"
	"time"
)

// A connection's reader lends the connection to the socket's consumer
// when the consumer waits for messages from this one peer: the consumer
// then waits for bytes and parses them on its own goroutine
// (pipe.DirectReader), so that a message arriving wakes the goroutine that
// wants it, and no reader has to wake it in turn. That second wake-up, and
// the runtime thread it may have to start, is most of a round trip's cost
// on loopback: a Go ping-pong over tcp takes 30-45 us with the reading
// goroutine the one that wants the bytes, 96-120 us with a channel between
// two (docs/PERFORMANCE.md).
//
// The reader lends only between frames, having just delivered, to a
// consumer that asked (wantDirect), and takes the connection back when the
// consumer stays away for reclaimAfter, or breaks off (Interrupt: another
// peer, the socket closing, a context done), or meets an error, which the
// reader then returns as its own.

const (
	readerOwns    int32 = iota
	lent                // the reader is parked; nobody reads
	consumerReads       // the consumer holds the input
)

// reclaimAfter is how long a lent connection goes unread before its
// reader takes it back, to answer heartbeats and notice a peer leaving
// while the consumer is busy elsewhere.
const reclaimAfter = 10 * time.Millisecond

type directState struct {
	state      atomic.Int32
	wantDirect atomic.Bool
	used       atomic.Bool // a direct read since the timer last looked
	armed      atomic.Bool
	timer      *time.Timer
	resume     chan struct{} // wakes the parked reader; capacity one
	handedErr  error         // a consumer's read error, for the reader

	// mu orders Interrupt's deadline against the consumer clearing it.
	mu          sync.Mutex
	interrupted bool
}

// directBatch is the most messages one read may bring for the connection
// to be lent, or to stay lent: more, and messages stream in, which a
// reader and a consumer on two cores take faster than one goroutine doing
// both (measured: 13-16% fewer 16 B messages a second over tcp and ipc when
// the consumer read a stream itself).
const directBatch = 8

// mayLend reports whether the reader, at a frame boundary with nothing
// buffered, having just delivered some messages, should lend the
// connection rather than wait on it.
func (s *session) mayLend(delivered uint64) bool {
	return delivered > 0 && delivered <= directBatch && s.directOK &&
		s.direct.wantDirect.Load() && !s.in.largeStream
}

// lendAndWait lends the connection and parks the reader until it is
// given back; it returns the error a consumer met, if any.
func (s *session) lendAndWait() error {
	d := &s.direct
	if d.timer == nil {
		d.timer = time.AfterFunc(reclaimAfter, s.reclaimTick)
		d.armed.Store(true)
	} else {
		s.armReclaim()
	}
	d.used.Store(false)
	d.state.Store(lent)
	// A consumer that found the queue empty just before this waits on
	// it: have it look again, and find the connection lent.
	s.pipe.In.Poke()
	select {
	case <-d.resume:
	case <-s.quit:
		if !d.state.CompareAndSwap(lent, readerOwns) {
			<-d.resume // a consumer reads: it hands back once woken by fail
		}
	}
	err := d.handedErr
	d.handedErr = nil
	return err
}

func (s *session) armReclaim() {
	if s.direct.armed.CompareAndSwap(false, true) {
		s.direct.timer.Reset(reclaimAfter)
	}
}

// reclaimTick runs reclaimAfter after the connection was lent or last read
// directly: unread since, the reader takes it back.
func (s *session) reclaimTick() {
	d := &s.direct
	d.armed.Store(false)
	if d.state.Load() != lent {
		return // the consumer reads, and arms the timer when it leaves
	}
	if d.used.Swap(false) {
		s.armReclaim()
		return
	}
	if d.state.CompareAndSwap(lent, readerOwns) {
		d.resume <- struct{}{}
	}
}

// ReadDirect is pipe.DirectReader's: see the top of this file.
func (s *session) ReadDirect(gen *atomic.Uint64, at uint64) bool {
	d := &s.direct
	if !d.state.CompareAndSwap(lent, consumerReads) {
		d.wantDirect.Store(true)
		return false
	}
	if gen.Load() != at {
		s.handBack(nil)
		return true
	}
	if s.pipe.In.Pending() {
		// The reader delivered this just before it lent the connection,
		// after the consumer last looked.
		d.state.Store(lent)
		return true
	}
	n, err := s.readAndTake()
	d.mu.Lock()
	if d.interrupted {
		d.interrupted = false
		if errors.Is(err, os.ErrDeadlineExceeded) && !s.ending() {
			err = nil
		}
		// Clear the deadline, unless the session is ending: fail closes
		// quit before it sets its own, so looking again after is enough.
		_ = s.conn.SetReadDeadline(time.Time{})
		if s.ending() {
			_ = s.conn.SetReadDeadline(time.Unix(1, 0))
		}
		d.wantDirect.Store(false)
		d.mu.Unlock()
		s.handBack(err)
		return true
	}
	d.mu.Unlock()
	if err != nil || s.in.r != s.in.w || n > directBatch || s.ending() {
		// A frame begun, a stream, or an end: the reader's to take on.
		s.handBack(err)
		return true
	}
	d.used.Store(true)
	d.state.Store(lent)
	s.armReclaim()
	return true
}

// readAndTake waits for bytes and hands over the whole messages among
// them, whatever the high-water mark (the consumer is here to take them).
// It parses only frames that are all there, so it never waits mid-frame.
func (s *session) readAndTake() (int, error) {
	err := s.in.fill()
	// More than directBatch messages is a stream: the reader, woken by the
	// hand-back, parses the rest while the consumer takes these.
	for err == nil && s.in.r != s.in.w && len(s.batch) <= directBatch && s.in.complete() {
		var f frame
		if f, err = s.readFrame(); err == nil {
			err = s.take(f)
		}
	}
	n := len(s.batch)
	if n > 0 {
		s.arrived.Add(uint64(n))
		if took := s.pipe.In.PushAll(s.batch); took < n {
			dropBatch(s.batch[took:])
		}
		s.emptyBatch()
	}
	return n, err
}

// handBack returns the connection to its reader, with the error a read
// met for it to end the session with.
func (s *session) handBack(err error) {
	d := &s.direct
	d.handedErr = err
	d.state.Store(readerOwns)
	d.resume <- struct{}{}
}

// Reading is pipe.DirectReader's: whether a consumer reads the connection
// now.
func (s *session) Reading() bool { return s.direct.state.Load() == consumerReads }

// Interrupt is pipe.DirectReader's: a consumer waiting on the connection
// returns at once.
func (s *session) Interrupt() {
	d := &s.direct
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.state.Load() == consumerReads && !d.interrupted {
		d.interrupted = true
		_ = s.conn.SetReadDeadline(time.Unix(1, 0))
	}
}

func (s *session) ending() bool {
	select {
	case <-s.quit:
		return true
	default:
		return false
	}
}
