package engine

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"sync/atomic"
	"time"

	"github.com/purezmq/zmq/internal/pipe"
)

// ErrLingerStalled ends a closing socket's connection whose peer stopped
// taking what it was sent (see Closing).
var ErrLingerStalled = errors.New("zmq: peer stopped reading while the socket closed")

// Closing tells a socket's connections that the socket is closing, and for
// how long each may go without progress before it gives up. One Closing
// serves every connection of a socket; the zero value is not usable (see
// NewClosing), a nil one never closes.
type Closing struct {
	ctx    context.Context
	cancel context.CancelFunc
	closed atomic.Bool
	// stall is written before closed is set and ctx cancelled, and read
	// only after either is seen.
	stall time.Duration
}

// NewClosing returns a Closing not closed yet.
func NewClosing() *Closing {
	ctx, cancel := context.WithCancel(context.Background())
	return &Closing{ctx: ctx, cancel: cancel}
}

// Close starts the close. A positive stall is how long a connection's peer
// may take less than lingerProgress bytes (of what is written, or, once
// everything is, before it closes its side) before the connection is given
// up; 0 is no bound, for a socket that cuts its connections itself when
// its linger runs out, or waits for ever.
func (c *Closing) Close(stall time.Duration) {
	c.stall = stall
	c.closed.Store(true)
	c.cancel()
}

func (c *Closing) isClosing() bool { return c != nil && c.closed.Load() }

// bounded reports whether a closing connection's waits are bounded by the
// stall time.
func (c *Closing) bounded() bool { return c.isClosing() && c.stall > 0 }

// done is closed when the socket closes; nil for a nil Closing.
func (c *Closing) done() <-chan struct{} {
	if c == nil {
		return nil
	}
	return c.ctx.Done()
}

// watch arranges for a write pending on conn when the socket closes to be
// interrupted, so that it goes on under the stall time: a writer already
// blocked on a peer that reads nothing would otherwise never look again.
// The returned function stops watching.
func (c *Closing) watch(conn net.Conn) (stop func() bool) {
	if c == nil {
		return func() bool { return true }
	}
	return context.AfterFunc(c.ctx, func() {
		if c.stall > 0 {
			// How long the write has been blocked is not known: again
			// gives it a window of its own.
			_ = conn.SetWriteDeadline(time.Unix(1, 0))
		}
	})
}

// lingerProgress is the least a closing connection's peer must take in a
// window of the stall time to count as reading: a tcp peer that reads
// nothing still takes a little now and then as its kernel packs its
// receive queue tighter (a KiB in tests). Less is taken as stopped, unless
// it was all there was left.
const lingerProgress = 64 << 10

// lingerState measures a closing connection's progress in bytes the peer
// took: those written less those still in our socket's send queue. Bytes
// written are not enough: a tcp socket grows its send buffer while the peer
// takes nothing at all. The writer's (one runs at a time).
type lingerState struct {
	closing *Closing
	quit    <-chan struct{} // the session's: once it is closed, nothing goes on
	conn    net.Conn
	written int64     // bytes ever written
	start   time.Time // when the current window began; zero: none yet
	taken   int64     // what the peer had taken then
}

// took is how many bytes the peer has taken so far, and how many it has
// still to take.
func (l *lingerState) took() (taken, pending int64) {
	q, _ := unsentBytes(l.conn)
	return l.written - int64(q), int64(q)
}

// progressed reports whether the peer has taken enough since it had taken
// before.
func (l *lingerState) progressed(before int64) bool {
	now, pending := l.took()
	return now-before >= lingerProgress || now > before && pending == 0
}

// window gives the writes from now the stall time to make progress in.
func (l *lingerState) window() {
	l.start = time.Now()
	l.taken, _ = l.took()
	_ = l.conn.SetWriteDeadline(l.start.Add(l.closing.stall))
}

// count adds n bytes written. An output of no session (a test's) has no
// lingerState.
func (l *lingerState) count(n int64) {
	if l != nil {
		l.written += n
	}
}

// again reports whether a write that failed with err should go on. Only a
// closing connection's writes run out of time but for the session's end:
// one has stalled when the peer did not progress in a whole window; else
// (it did, or the write was interrupted when the close began) it gets a
// fresh window.
func (l *lingerState) again(err error) bool {
	if l == nil || !errors.Is(err, os.ErrDeadlineExceeded) || !l.closing.bounded() {
		return false
	}
	select {
	case <-l.quit:
		return false // the session is ending: fail set the deadline
	default:
	}
	if !l.start.IsZero() && time.Since(l.start) >= l.closing.stall && !l.progressed(l.taken) {
		return false
	}
	l.window()
	return true
}

// stalled turns a write's time-out while closing into ErrLingerStalled.
func (s *session) stalled(err error) error {
	if cl := s.cfg.Closing; cl.bounded() && errors.Is(err, os.ErrDeadlineExceeded) {
		return fmt.Errorf("%w: it took less than %d bytes in %v", ErrLingerStalled, lingerProgress, cl.stall)
	}
	return err
}

// lost counts the data messages of a batch that a closing connection
// failed to write: Close gave them up.
func (s *session) lost(batch []pipe.Msg) {
	if !s.cfg.Closing.isClosing() {
		return
	}
	for _, m := range batch {
		if m.Kind == pipe.Data {
			s.unsent++
		}
	}
}

// finish ends a connection whose queue is closed and drained (the writer's
// errDrained). When that is because the socket is closing, it ends it
// gently: it shuts down the writing half only, so the peer reads all we
// sent and then the end of the stream, and waits for the peer to close its
// side, which ends the reader. Closing at once would leave data unread in
// the peer's kernel buffer, which a libzmq peer throws away when it sees
// the hang-up (over ipc; over tcp too when a heartbeat of its arrives after
// our close and draws a reset). The wait ends when the peer has taken less
// than lingerProgress for the stall time, else when the socket's linger
// cuts the connection, else never. Over a unix socket the peer's reading
// shows in our send queue, so a slow reader is waited for; over tcp it
// shows until our data is in the peer's kernel.
func (s *session) finish() error {
	cl := s.cfg.Closing
	if !cl.isClosing() {
		return errDrained // a ROUTER handing the peer's id over, say
	}
	if s.ws != nil {
		return errDrained // WebSocket ends with close frames (goodbye)
	}
	hc, ok := s.conn.(interface{ CloseWrite() error })
	if !ok || hc.CloseWrite() != nil {
		return errDrained
	}
	s.halfClosed.Store(true)
	var tick <-chan time.Time
	if cl.stall > 0 {
		t := time.NewTicker(cl.stall / 10)
		defer t.Stop()
		tick = t.C
	}
	taken, _ := s.linger.took()
	since := time.Now()
	for {
		select {
		case <-s.quit:
			return errDrained // the reader ended: Run tells how
		case now := <-tick:
			if s.linger.progressed(taken) {
				taken, _ = s.linger.took()
				since = now
			} else if now.Sub(since) >= cl.stall {
				return fmt.Errorf("%w: it did not read to the end of our stream and close within %v", ErrLingerStalled, cl.stall)
			}
		}
	}
}

// closedAfterFinish is why a session ended whose writer finished: the
// peer closing its side then is the gentle end finish waited for.
func (s *session) closedAfterFinish(err error) error {
	if s.halfClosed.Load() && (errors.Is(err, io.EOF) || isReset(err) && !errors.Is(err, net.ErrClosed)) {
		return errDrained
	}
	return err
}

// dropBatch drops a batch a closed socket will never read, handing back the
// read buffers its messages hold.
func dropBatch(batch []pipe.Msg) {
	for _, m := range batch {
		if m.Lease != nil {
			m.Lease.Release()
		}
	}
}
