package zmq

import (
	"context"
	"errors"
	"fmt"
	"net"
	"syscall"

	"github.com/purezmq/zmq/internal/engine"
	"github.com/purezmq/zmq/internal/pipe"
	"github.com/purezmq/zmq/internal/transport"
)

// udp:// is libzmq 4.3's: a DISH or a DGRAM binds, a RADIO connects, and
// each message is one datagram. There are no connections, handshakes or
// reconnections: one pipe per endpoint, served by a udp engine.

// bindUDP binds a DISH or a DGRAM to a udp endpoint. It is filed as a
// listener, so Unbind and Close find it; its socket is the one connection.
func (s *Socket) bindUDP(endpoint string, ep transport.Endpoint) error {
	if s.typ != DISH && s.typ != DGRAM {
		return fmt.Errorf("%w: udp is bound by DISH and DGRAM sockets, not %v", ErrNotSupported, s.typ)
	}
	if err := s.checkOpen(); err != nil {
		return err
	}
	o := s.options()
	ln, conn, err := transport.ListenUDP(ep, o.tuning)
	if err != nil {
		err = udpError(endpoint, err)
		s.emit(EventBindFailed, endpoint, err)
		return err
	}
	p := pipe.New(o.sendHWM, o.recvHWM, s.readable, s.writable)
	p.SetPeer(pipe.Peer{Datagrams: true})
	l := &listener{ln: ln, conns: map[net.Conn]bool{conn: true}}
	s.mu.Lock()
	if s.closing {
		s.mu.Unlock()
		conn.Close()
		return ErrClosed
	}
	s.wg.Add(1) // before Close can wait, as closing is not set yet
	s.mu.Unlock()
	if !s.attach(p) {
		conn.Close()
		s.wg.Done()
		if s.isClosed() {
			return ErrClosed
		}
		return fmt.Errorf("%w: a DGRAM binds one endpoint", ErrNotSupported)
	}
	// Filed even if Close has begun meanwhile: the pipe is attached, so
	// Close ends its queue, and the engine closes the socket when done.
	s.mu.Lock()
	s.listeners[endpoint] = append(s.listeners[endpoint], l)
	if resolved := ln.Endpoint(); resolved != endpoint {
		s.listeners[resolved] = append(s.listeners[resolved], l)
	}
	s.lastEndpoint = ln.Endpoint()
	s.mu.Unlock()
	s.emit(EventListening, ln.Endpoint(), nil)
	go s.serveUDP(l, conn, p)
	return nil
}

func (s *Socket) serveUDP(l *listener, conn *net.UDPConn, p *pipe.Pipe) {
	defer s.wg.Done()
	defer s.untrack(conn, l)
	err := engine.RunUDP(conn, p, s.udpConfig())
	p.In.CloseWrite()
	s.detach(p)
	s.emit(EventClosed, l.ln.Endpoint(), err)
}

// connectUDP connects a RADIO to a udp endpoint. It is filed as a dialer,
// so Disconnect and Close find it, but it dials once: there is nothing to
// reconnect.
func (s *Socket) connectUDP(endpoint string, ep transport.Endpoint) (*pipe.Pipe, error) {
	if s.typ != RADIO {
		return nil, fmt.Errorf("%w: udp is connected by RADIO sockets, not %v", ErrNotSupported, s.typ)
	}
	if err := s.checkOpen(); err != nil {
		return nil, err
	}
	o := s.options()
	conn, err := transport.DialUDP(ep, o.tuning)
	if err != nil {
		return nil, udpError(endpoint, err)
	}
	d := &dialer{endpoint: endpoint, ep: ep, pipe: pipe.New(o.sendHWM, o.recvHWM, s.readable, s.writable), conn: conn, engaged: true}
	d.pipe.SetPeer(pipe.Peer{Datagrams: true})
	d.ctx, d.cancel = context.WithCancel(context.Background())
	s.mu.Lock()
	if s.closing {
		s.mu.Unlock()
		d.cancel()
		conn.Close()
		return nil, ErrClosed
	}
	s.dialers[endpoint] = append(s.dialers[endpoint], d)
	s.lastEndpoint = endpoint
	s.wg.Add(1)
	s.mu.Unlock()
	if !s.attach(d.pipe) {
		// Closing meanwhile: nothing will end the pipe's queue, so the
		// engine starts on a closed socket and ends at once.
		conn.Close()
	}
	s.emit(EventConnected, endpoint, nil)
	go s.serveUDPDialer(d, conn)
	return d.pipe, nil
}

func (s *Socket) serveUDPDialer(d *dialer, conn *net.UDPConn) {
	defer s.wg.Done()
	defer d.cancel()
	err := engine.RunUDP(conn, d.pipe, s.udpConfig())
	s.setDialerConn(d, nil)
	s.retireDialer(d)
	s.emit(EventDisconnected, d.endpoint, err)
}

func (s *Socket) udpConfig() *engine.UDPConfig {
	o := s.options()
	return &engine.UDPConfig{
		Raw:   s.typ == DGRAM,
		Send:  s.typ != DISH,
		Recv:  s.typ != RADIO,
		Log:   o.log,
		Stats: &s.stats,
	}
}

// udpError maps what binding or dialling udp failed with to the package's
// errors.
func udpError(endpoint string, err error) error {
	switch {
	case errors.Is(err, syscall.EADDRINUSE):
		return fmt.Errorf("%w: %s: %v", ErrAddrInUse, endpoint, err)
	case errors.Is(err, errors.ErrUnsupported):
		return fmt.Errorf("%w: %v (only unicast is supported; see docs/DRAFT.md)", ErrNotSupported, err)
	case errors.Is(err, transport.ErrEndpoint):
		return err
	}
	return fmt.Errorf("zmq: udp %s: %w", endpoint, err)
}
