package zmq

import (
	"errors"
	"fmt"
	"net"
	"os"
	"syscall"
	"time"

	"github.com/purezmq/zmq/internal/engine"
	"github.com/purezmq/zmq/internal/pipe"
	"github.com/purezmq/zmq/internal/transport"
)

// listener is one bound tcp or ipc endpoint and the connections it
// accepted, each true once its handshake is done.
type listener struct {
	ln    *transport.Listener
	conns map[net.Conn]bool
}

// Bind accepts peers on endpoint: "tcp://host:port" ("*" for every IPv4
// interface, port "*" for an ephemeral one), "ipc:///path", "ipc://@name"
// (Linux abstract), "inproc://name", or "ws://host:port/path" (ZeroMQ over
// WebSocket, RFC 45; host and port as for tcp, the path optional: without
// one every path is served) and "wss://..." (the same over TLS, see
// WithTLSConfig). LastEndpoint then tells the address actually bound.
func (s *Socket) Bind(endpoint string) error {
	ep, err := transport.ParseBind(endpoint)
	if err != nil {
		return err
	}
	switch {
	case ep.Transport == transport.UDP:
		return s.bindUDP(endpoint, ep)
	case s.typ == DGRAM:
		return fmt.Errorf("%w: a DGRAM binds udp endpoints only", ErrNotSupported)
	case ep.Transport == transport.Inproc:
		return s.bindInproc(endpoint, ep.Address)
	}
	if err := s.checkOpen(); err != nil {
		return err
	}
	if isWebSocket(ep) {
		if err := s.checkWebSocket(endpoint, ep, true); err != nil {
			return err
		}
	}
	ln, err := transport.ListenTuned(ep, s.options().tuning)
	if err != nil {
		err = &bindError{endpoint: endpoint, err: err}
		s.emit(EventBindFailed, endpoint, err)
		return err
	}
	if ep.Transport == transport.WSS {
		ln.UseTLS(s.options().tls)
	}
	l := &listener{ln: ln, conns: map[net.Conn]bool{}}
	s.mu.Lock()
	if s.closing {
		s.mu.Unlock()
		ln.Close()
		return ErrClosed
	}
	s.listeners[endpoint] = append(s.listeners[endpoint], l)
	if resolved := ln.Endpoint(); resolved != endpoint {
		s.listeners[resolved] = append(s.listeners[resolved], l)
	}
	s.lastEndpoint = ln.Endpoint()
	s.wg.Add(1)
	s.mu.Unlock()
	s.emit(EventListening, ln.Endpoint(), nil)
	go s.acceptLoop(l)
	return nil
}

// LastEndpoint is the endpoint the last Bind bound, with wildcards resolved
// (e.g. "tcp://127.0.0.1:41234"), or the last endpoint connected to.
func (s *Socket) LastEndpoint() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.lastEndpoint
}

func (s *Socket) checkOpen() error {
	select {
	case <-s.done:
		return ErrClosed
	default:
		return nil
	}
}

func (s *Socket) acceptLoop(l *listener) {
	defer s.wg.Done()
	for {
		conn, err := l.ln.Accept()
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				s.emit(EventClosed, l.ln.Endpoint(), nil)
				return
			}
			s.emit(EventAcceptFailed, l.ln.Endpoint(), err)
			if errors.Is(err, transport.ErrPeerRefused) {
				s.stats.RefusedPeers.Add(1)
				s.options().logger().Warn("zmq: peer refused", "endpoint", l.ln.Endpoint(), "err", err)
				continue
			}
			// Out of file descriptors and the like: wait rather than spin.
			s.options().logger().Warn("zmq: accept failed", "endpoint", l.ln.Endpoint(), "err", err)
			time.Sleep(100 * time.Millisecond)
			continue
		}
		if !s.track(conn, l) {
			conn.Close()
			continue
		}
		s.emit(EventAccepted, l.ln.Endpoint(), nil)
		s.wg.Add(1)
		go s.serve(l, conn)
	}
}

// serve runs one accepted connection to its end.
func (s *Socket) serve(l *listener, conn net.Conn) {
	defer s.wg.Done()
	defer s.untrack(conn, l)
	if s.typ == STREAM {
		s.serveRaw(conn, l.ln.Endpoint())
		return
	}
	if l.ln.WebSocket() {
		s.serveWebSocket(l, conn)
		return
	}
	endpoint := l.ln.Endpoint()
	c, err := engine.Handshake(conn, s.engineConfig())
	if err != nil {
		s.handshakeFailed(endpoint, err)
		return
	}
	s.runAccepted(l, conn, endpoint, c)
}

// runAccepted runs a connection whose handshake succeeded, on a pipe of
// its own, to its end; conn is the connection as l tracks it.
func (s *Socket) runAccepted(l *listener, conn net.Conn, endpoint string, c *engine.Conn) {
	sendHWM, recvHWM := s.hwms()
	p := pipe.New(sendHWM, recvHWM, s.readable, s.writable)
	p.SetPeer(c.Peer())
	if !s.engage(conn, l) || !s.attach(p) {
		c.Close()
		return
	}
	// Reported once the peer is attached, so a program that waits for the
	// event can count on the peer taking messages.
	s.emit(EventHandshakeSucceeded, endpoint, nil)
	err := c.Run(p)
	s.connectionLost(p, false)
	p.In.CloseWrite()
	s.detach(p)
	if s.closingNow() {
		s.settle(p, endpoint, conn.RemoteAddr().String(), c.Unsent(), err)
	}
	s.emit(EventDisconnected, endpoint, err)
}

// engage marks an accepted connection as past its handshake, so Close
// leaves it to linger; it refuses once the socket is closing.
func (s *Socket) engage(conn net.Conn, l *listener) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closing {
		return false
	}
	l.conns[conn] = true
	return true
}

// track records a live connection so Close and Unbind can cut it; it
// refuses once the socket is closing.
func (s *Socket) track(conn net.Conn, l *listener) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closing {
		return false
	}
	l.conns[conn] = false
	return true
}

func (s *Socket) untrack(conn net.Conn, l *listener) {
	s.mu.Lock()
	delete(l.conns, conn)
	s.mu.Unlock()
}

// Unbind stops accepting on endpoint (as given to Bind, or as LastEndpoint
// reported it) and closes the connections accepted there.
func (s *Socket) Unbind(endpoint string) error {
	ep, err := transport.Parse(endpoint)
	if err != nil {
		return err
	}
	if ep.Transport == transport.Inproc {
		return s.unbindInproc(ep.Address)
	}
	s.mu.Lock()
	ls := s.listeners[endpoint]
	if len(ls) == 0 {
		s.mu.Unlock()
		return fmt.Errorf("%w: %s is not bound", ErrEndpoint, endpoint)
	}
	l := ls[len(ls)-1]
	s.forgetListener(l)
	conns := make([]net.Conn, 0, len(l.conns))
	for c := range l.conns {
		conns = append(conns, c)
	}
	s.mu.Unlock()
	l.ln.Close()
	for _, c := range conns {
		c.Close()
	}
	return nil
}

// forgetListener removes l from every name it is filed under; s.mu is held.
func (s *Socket) forgetListener(l *listener) {
	for name, ls := range s.listeners {
		kept := ls[:0]
		for _, x := range ls {
			if x != l {
				kept = append(kept, x)
			}
		}
		if len(kept) == 0 {
			delete(s.listeners, name)
		} else {
			s.listeners[name] = kept
		}
	}
}

// bindError is a Bind the kernel refused. Its text names the endpoint once
// and gives the kernel's reason ("zmq: bind tcp://1.2.3.4:5555: cannot
// assign requested address") where the net package's own error would name
// the address twice more; it unwraps to that error all the same, and to
// ErrAddrInUse for an address in use.
type bindError struct {
	endpoint string
	err      error
}

func (e *bindError) Error() string {
	reason := e.err
	var op *net.OpError
	if errors.As(reason, &op) {
		reason = op.Err
	}
	var sys *os.SyscallError
	if errors.As(reason, &sys) {
		reason = sys.Err
	}
	return fmt.Sprintf("zmq: bind %s: %v", e.endpoint, reason)
}

func (e *bindError) Unwrap() []error {
	if errors.Is(e.err, syscall.EADDRINUSE) {
		return []error{ErrAddrInUse, e.err}
	}
	return []error{e.err}
}
