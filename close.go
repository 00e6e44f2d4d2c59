package zmq

import (
	"errors"
	"math"
	"net"
	"time"

	"github.com/purezmq/zmq/internal/engine"
	"github.com/purezmq/zmq/internal/pipe"
)

// lingerUntilStalled is the linger of a socket given no WithLinger: Close
// delivers while peers take messages (see Close).
const lingerUntilStalled time.Duration = math.MinInt64

// LingerStall is how long Close, with the default linger, waits for a
// connected peer that has stopped reading before it gives up on it: a peer
// that takes less than 64 KiB of what it is sent in that time (see Close).
const LingerStall = 5 * time.Second

// closeGaveUp is the message of the log line for each peer Close gives up.
const closeGaveUp = "zmq: close gave up on a peer"

// Close closes the socket: pending and later Send and Recv calls return
// ErrClosed, and Close returns once every connection is closed and every
// goroutine of the socket has ended. Closing twice returns ErrClosed.
//
// What becomes of the messages still queued depends on the linger. Without
// WithLinger, Close never waits for ever:
//
//   - a connected peer gets everything queued for it, for as long as it
//     keeps taking it: a peer that takes less than 64 KiB in LingerStall
//     (it stopped reading) is given up, with what is still queued for it;
//   - nothing waits on a peer that is not connected: an endpoint whose
//     connection is down is given up at once with what was queued for it,
//     a connection under way when Close was called gets LingerStall to
//     finish its handshake, and a peer still in its handshake with a bound
//     socket, which has nothing queued for it yet, is cut at once;
//   - subscriptions never hold Close: they are state each new connection
//     is sent again, not messages waiting for delivery;
//   - over inproc, what is queued stays readable by the peer, which the
//     queue is shared with: Close does not wait for it.
//
// Once everything is written to a connection, Close shuts down its sending
// half and waits, bounded the same way, for the peer to read to the end and
// close its side, and only then closes: a libzmq peer over ipc throws away
// what it had not read yet when the connection is closed under it.
//
// WithLinger(d) asks for libzmq's ZMQ_LINGER instead: a positive d waits up
// to d in all, reconnecting to endpoints not up yet, then cuts every
// connection; 0 drops everything at once; a negative d waits for as long as
// it takes, peers that never come included.
//
// What Close gives up on is counted in Stats (CloseDroppedMessages,
// CloseAbandonedPeers) and logged, a line per peer, through WithLogger's
// logger.
//
// libzmq's zmq_close always returns at once and leaves the queue to be sent
// in the background; zmq_ctx_term then waits for it as ZMQ_LINGER says, by
// default for ever, a peer that is not connected included (a SUB's
// subscriptions excepted). A Go program seldom has a term step of its own,
// so Close is both, and by default it waits for what can be delivered and
// no longer.
func (s *Socket) Close() error {
	first := false
	s.closeOnce.Do(func() { first = true })
	if !first {
		return ErrClosed
	}
	s.mu.Lock()
	s.closing = true
	linger := s.opts.linger
	listeners := s.uniqueListeners()
	pipes := make([]*pipe.Pipe, 0, len(s.pipes))
	for p := range s.pipes {
		pipes = append(pipes, p)
	}
	s.stopIdleDialers(linger == lingerUntilStalled)
	cutHandshakes(listeners)
	s.mu.Unlock()

	var stall time.Duration
	if linger == lingerUntilStalled {
		stall = LingerStall
	}
	s.closer.Close(stall)
	close(s.done)
	s.stopDirect()
	for _, l := range listeners {
		l.ln.Close()
	}
	s.closeInproc()
	for _, p := range pipes {
		p.Out.CloseWrite()
	}
	switch {
	case linger == 0:
		s.cut()
	case linger > 0:
		t := time.AfterFunc(linger, s.cut)
		defer t.Stop()
	case linger == lingerUntilStalled:
		t := time.AfterFunc(LingerStall, s.cutUnconnected)
		defer t.Stop()
	}
	s.wg.Wait()
	s.stopMonitors()
	s.ctx.forget(s)
	return nil
}

// closingNow reports whether Close has begun. A goroutine that Close
// stopped may get here before Close closes s.done (isClosed): a dialer
// that never connected, stopped at once, then left its queued messages
// uncounted (TestCloseDealerWithoutPeer, under a loaded make test).
func (s *Socket) closingNow() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.closing
}

// cut ends lingering: every connection still open is closed, queued
// messages with it.
func (s *Socket) cut() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, ds := range s.dialers {
		for _, d := range ds {
			s.stopDialer(d)
		}
	}
	for _, l := range s.uniqueListeners() {
		for c := range l.conns {
			c.Close()
		}
	}
}

// cutUnconnected gives up the endpoints whose connection was still being
// made when Close began and is not up yet.
func (s *Socket) cutUnconnected() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, ds := range s.dialers {
		for _, d := range ds {
			if !d.engaged {
				s.stopDialer(d)
			}
		}
	}
}

// stopIdleDialers stops the dialers there is nothing to wait for: those
// with no connection and nothing to send, and with the default linger
// those waiting to redial, and a subscriber's not connected (they hold
// only subscriptions). s.mu is held.
func (s *Socket) stopIdleDialers(untilStalled bool) {
	subscriber := s.typ == SUB || s.typ == XSUB
	for _, ds := range s.dialers {
		for _, d := range ds {
			idle := d.conn == nil && d.pipe.Out.Len() == 0
			if idle || untilStalled && !d.engaged && (d.waiting || subscriber) {
				s.stopDialer(d)
			}
		}
	}
}

// cutHandshakes closes accepted connections still in their handshake: no
// pipe holds anything for them yet. s.mu is held.
func cutHandshakes(listeners []*listener) {
	for _, l := range listeners {
		for c, running := range l.conns {
			if !running {
				c.Close()
			}
		}
	}
}

// settle accounts for a pipe of a closing socket that no connection will
// serve again: the messages its last connection could not write (unsent),
// those still queued, and how the connection ended (err; nil for never
// connected or ended well). Subscriptions are not counted: they are state.
func (s *Socket) settle(p *pipe.Pipe, endpoint, peer string, unsent int, err error) {
	dropped := unsent + dropQueued(p.Out)
	var why string
	switch {
	case errors.Is(err, engine.ErrLingerStalled):
		why = err.Error()
	case errors.Is(err, net.ErrClosed):
		why = "the linger time ran out"
	case dropped == 0:
		return
	case err != nil:
		why = err.Error()
	default:
		why = "not connected"
	}
	s.stats.CloseDroppedMessages.Add(int64(dropped))
	s.stats.CloseAbandonedPeers.Add(1)
	log := s.options().logger()
	if peer != "" {
		log = log.With("peer", peer)
	}
	log.Warn(closeGaveUp, "endpoint", endpoint, "dropped", dropped, "reason", why)
}

// dropQueued empties q, whose consumer is gone for good, and counts the
// messages it held.
func dropQueued(q *pipe.Queue) int {
	n := 0
	for {
		var m pipe.Msg
		if ok, _ := q.Pop(&m); !ok {
			return n
		}
		if m.Kind == pipe.Data {
			n++
		}
	}
}

// uniqueListeners lists each listener once (Bind files a wildcard endpoint
// under its resolved name too), and the one of WebSocketHandler's
// connections. s.mu is held.
func (s *Socket) uniqueListeners() []*listener {
	seen := map[*listener]bool{}
	var out []*listener
	if s.mounted != nil {
		out = append(out, s.mounted)
	}
	for _, ls := range s.listeners {
		for _, l := range ls {
			if !seen[l] {
				seen[l] = true
				out = append(out, l)
			}
		}
	}
	return out
}
