package zmq

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sync"
	"syscall"
	"time"

	"github.com/purezmq/zmq/internal/engine"
	"github.com/purezmq/zmq/internal/pipe"
	"github.com/purezmq/zmq/internal/transport"
)

// dialer keeps one connected endpoint connected: it dials, redials after a
// failure with backoff, and keeps its pipe across connections, so messages
// sent before the peer is up are queued (libzmq without ZMQ_IMMEDIATE).
type dialer struct {
	endpoint string
	ep       transport.Endpoint
	// immediate: the pipe takes messages only while connected.
	immediate bool
	pipe      *pipe.Pipe
	ctx       context.Context
	cancel    context.CancelFunc
	// retire detaches the pipe once, whether Disconnect or the loop's end
	// gets there first.
	retire sync.Once
	// Guarded by the socket's mu: the live connection, whether its
	// handshake is done (engaged), and whether the dialer is waiting to
	// redial rather than trying (waiting).
	conn             net.Conn
	engaged, waiting bool
	// What the last connection left while the socket closed, for settle.
	unsent  int
	lastErr error
	// stopped says why WithReconnectStop gave the endpoint up; set by
	// connectOnce, read by dialLoop.
	stopped error
}

// Connect connects to endpoint. The peer need not be there yet: the socket
// connects in the background, retrying as WithReconnectInterval says, and
// reconnects whenever the connection is lost.
func (s *Socket) Connect(endpoint string) error {
	_, err := s.connectPipe(endpoint)
	return err
}

// connectPipe connects and returns the pipe the socket type was given for
// the endpoint.
func (s *Socket) connectPipe(endpoint string) (*pipe.Pipe, error) {
	ep, err := transport.ParseConnect(endpoint)
	if err != nil {
		return nil, err
	}
	switch {
	case s.typ == DGRAM:
		return nil, fmt.Errorf("%w: a DGRAM binds a udp endpoint and connects nowhere", ErrNotSupported)
	case ep.Transport == transport.Inproc:
		return s.connectInproc(endpoint, ep.Address)
	case ep.Transport == transport.UDP:
		return s.connectUDP(endpoint, ep)
	}
	if err := s.checkOpen(); err != nil {
		return nil, err
	}
	if isWebSocket(ep) {
		if err := s.checkWebSocket(endpoint, ep, false); err != nil {
			return nil, err
		}
	}
	o := s.options()
	d := &dialer{endpoint: endpoint, ep: ep, immediate: o.immediate, pipe: pipe.New(o.sendHWM, o.recvHWM, s.readable, s.writable)}
	d.pipe.Hold(d.immediate)
	d.ctx, d.cancel = context.WithCancel(context.Background())
	s.mu.Lock()
	if s.closing {
		s.mu.Unlock()
		d.cancel()
		return nil, ErrClosed
	}
	s.dialers[endpoint] = append(s.dialers[endpoint], d)
	s.lastEndpoint = endpoint
	s.wg.Add(1)
	s.mu.Unlock()
	s.attach(d.pipe)
	go s.dialLoop(d)
	return d.pipe, nil
}

func (s *Socket) dialLoop(d *dialer) {
	defer s.wg.Done()
	defer d.cancel()
	backoff := s.backoff()
	// An attempt under way when Close is called is finished, whatever
	// the linger: the first one too, even if it has not begun yet.
	for connections := 0; !s.lingerDone(d, false); {
		if s.connectOnce(d, connections > 0) {
			connections++
			backoff.Reset()
		}
		if d.stopped != nil {
			s.reconnectStopped(d)
			break
		}
		if s.lingerDone(d, true) || backoff.Min < 0 || !s.startWaiting(d) {
			break
		}
		wait := backoff.Next()
		s.emit(EventConnectRetried, d.endpoint, nil)
		select {
		case <-time.After(wait):
		case <-d.ctx.Done():
		}
		s.mu.Lock()
		d.waiting = false
		s.mu.Unlock()
	}
	s.retireDialer(d)
	if s.closingNow() {
		s.settle(d.pipe, d.endpoint, "", d.unsent, d.lastErr)
	}
}

// startWaiting marks the dialer as waiting to redial, unless the socket
// closes with the default linger, which redials nothing: then it reports
// false. Close, under the same lock, stops a dialer that waits.
func (s *Socket) startWaiting(d *dialer) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closing && s.opts.linger == lingerUntilStalled {
		return false
	}
	d.waiting = true
	return true
}

// reconnectStopped reports that WithReconnectStop gave d's endpoint up,
// once its pipe is retired: a Send made after the event cannot queue there.
func (s *Socket) reconnectStopped(d *dialer) {
	s.retireDialer(d)
	s.options().logger().Warn("zmq: reconnection stopped", "endpoint", d.endpoint, "err", d.stopped)
	s.emit(EventClosed, d.endpoint, d.stopped)
}

func (s *Socket) backoff() transport.Backoff {
	s.mu.Lock()
	defer s.mu.Unlock()
	return transport.Backoff{Min: s.opts.reconnectMin, Max: s.opts.reconnectMax}
}

// retireDialer takes the dialer's pipe away from the socket type: messages
// already received stay readable, and nothing more is sent there.
func (s *Socket) retireDialer(d *dialer) {
	d.retire.Do(func() {
		d.pipe.In.CloseWrite()
		s.detach(d.pipe)
	})
}

// lingerDone reports that the dialer should stop: it was disconnected or
// killed, or the socket is closing and nothing is left to send, or, after
// an attempt, the socket closes with the default linger, which gives up an
// endpoint whose connection is down.
func (s *Socket) lingerDone(d *dialer, attempted bool) bool {
	if d.ctx.Err() != nil {
		return true
	}
	s.mu.Lock()
	closing, linger := s.closing, s.opts.linger
	s.mu.Unlock()
	return closing && (d.pipe.Out.Len() == 0 || attempted && linger == lingerUntilStalled)
}

// connectOnce dials, shakes hands and runs one connection to its end. It
// reports whether the handshake succeeded. Its frame stays on the stack for
// as long as the connection lasts, so the work that needs the socket's
// options is done in dial and shakeHands, whose frames are gone by then.
func (s *Socket) connectOnce(d *dialer, again bool) bool {
	conn := s.dial(d)
	if conn == nil {
		return false
	}
	defer s.setDialerConn(d, nil)
	if s.typ == STREAM {
		return s.connectRaw(d, conn)
	}
	c := s.shakeHands(d, conn)
	if c == nil {
		return false
	}
	d.pipe.SetPeer(c.Peer())
	d.pipe.Hold(false)
	if again {
		s.reconnected(d.pipe)
	} else {
		s.wakeAll()
	}
	s.setEngaged(d, true)
	s.emit(EventHandshakeSucceeded, d.endpoint, nil)
	err := c.Run(d.pipe)
	s.setEngaged(d, false)
	s.connectionLost(d.pipe, true)
	if s.isClosed() {
		d.unsent, d.lastErr = c.Unsent(), err
	}
	if d.immediate && !s.isClosed() {
		// As libzmq's ZMQ_IMMEDIATE ends the pipe with its connection,
		// what was queued for it goes too.
		d.pipe.Hold(true)
		d.pipe.Out.Discard()
	}
	s.emit(EventDisconnected, d.endpoint, err)
	return true
}

// dial connects to d's endpoint and records the connection, or returns
// nil, having noted whether WithReconnectStop gives the endpoint up.
func (s *Socket) dial(d *dialer) net.Conn {
	s.emit(EventConnectDelayed, d.endpoint, nil)
	o := s.options()
	conn, err := transport.DialTuned(d.ctx, d.ep.Stream(), o.dialTuning())
	if err != nil {
		if errors.Is(err, transport.ErrProxy) && d.ctx.Err() == nil {
			s.stats.ProxyFailures.Add(1)
			o.logger().Warn("zmq: connect through SOCKS proxy failed", "endpoint", d.endpoint, "err", err)
		}
		if o.reconnectStop&ReconnectStopConnRefused != 0 && errors.Is(err, syscall.ECONNREFUSED) {
			d.stopped = fmt.Errorf("reconnect stopped: %w", err)
		}
		return nil
	}
	s.emit(EventConnected, d.endpoint, nil)
	if !s.setDialerConn(d, conn) {
		conn.Close()
		return nil
	}
	return conn
}

// shakeHands runs the handshake on a dialled connection, or returns nil.
func (s *Socket) shakeHands(d *dialer, conn net.Conn) *engine.Conn {
	c, err := s.handshake(d, conn)
	if err != nil {
		s.handshakeFailed(d.endpoint, err)
		if s.options().reconnectStop&ReconnectStopHandshakeFailed != 0 {
			d.stopped = fmt.Errorf("reconnect stopped: handshake failed: %w", err)
		}
		return nil
	}
	return c
}

// setDialerConn records the live connection so Disconnect and a lapsed
// linger can cut it; it refuses a new one once the dialer is stopped.
func (s *Socket) setDialerConn(d *dialer, conn net.Conn) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if conn != nil && d.ctx.Err() != nil {
		return false
	}
	d.conn = conn
	return true
}

func (s *Socket) setEngaged(d *dialer, on bool) {
	s.mu.Lock()
	d.engaged = on
	s.mu.Unlock()
}

// Disconnect stops connecting to endpoint and closes its connection;
// messages still queued for it are dropped.
func (s *Socket) Disconnect(endpoint string) error {
	ep, err := transport.Parse(endpoint)
	if err != nil {
		return err
	}
	if ep.Transport == transport.Inproc {
		return s.disconnectInproc(endpoint)
	}
	s.mu.Lock()
	ds := s.dialers[endpoint]
	if len(ds) == 0 {
		s.mu.Unlock()
		return fmt.Errorf("%w: not connected to %s", ErrEndpoint, endpoint)
	}
	d := ds[len(ds)-1]
	if len(ds) == 1 {
		delete(s.dialers, endpoint)
	} else {
		s.dialers[endpoint] = ds[:len(ds)-1]
	}
	s.stopDialer(d)
	s.mu.Unlock()
	s.retireDialer(d)
	d.pipe.Out.Discard()
	return nil
}

// stopDialer ends d's loop and cuts its connection; s.mu is held.
func (s *Socket) stopDialer(d *dialer) {
	d.cancel()
	if d.conn != nil {
		d.conn.Close()
	}
}
