package zmq

import (
	"crypto/tls"
	"fmt"
	"net"
	"net/http"

	"github.com/purezmq/zmq/internal/engine"
	"github.com/purezmq/zmq/internal/transport"
	"github.com/purezmq/zmq/internal/zws"
)

// WithTLSConfig gives the TLS configuration of the socket's wss endpoints
// (libzmq's ZMQ_WSS_CERT_PEM, ZMQ_WSS_KEY_PEM, ZMQ_WSS_TRUST_PEM and
// ZMQ_WSS_HOSTNAME in one): for Bind, the server's certificate; for
// Connect, the roots the server's certificate is checked against (nil
// RootCAs: the system's) and the name it must carry (empty ServerName: the
// endpoint's host). A wss endpoint without it is refused with ErrInvalid.
// The configuration is not copied: do not change it after handing it over.
func WithTLSConfig(cfg *tls.Config) Option {
	return declare("WithTLSConfig", "ZMQ_WSS_CERT_PEM, ZMQ_WSS_KEY_PEM, ZMQ_WSS_TRUST_PEM, ZMQ_WSS_TRUST_SYSTEM, ZMQ_WSS_HOSTNAME", anyType, func(o *options) error {
		o.tls = cfg
		return nil
	})
}

// isWebSocket tells the ws and wss transports.
func isWebSocket(ep transport.Endpoint) bool {
	return ep.Transport == transport.WS || ep.Transport == transport.WSS
}

// checkWebSocket refuses what a ws or wss endpoint cannot do for this
// socket: STREAM has no ZeroMQ framing to put in WebSocket messages (libzmq
// has no raw WebSocket either), and wss needs TLS settings.
func (s *Socket) checkWebSocket(endpoint string, ep transport.Endpoint, bind bool) error {
	if s.typ == STREAM {
		return fmt.Errorf("%w: %s: a STREAM socket speaks raw tcp, not ZWS", ErrInvalid, endpoint)
	}
	if ep.Transport != transport.WSS {
		return nil
	}
	cfg := s.options().tls
	switch {
	case cfg == nil:
		return fmt.Errorf("%w: %s: wss needs a TLS configuration (WithTLSConfig)", ErrInvalid, endpoint)
	case bind && len(cfg.Certificates) == 0 && cfg.GetCertificate == nil && cfg.GetConfigForClient == nil:
		return fmt.Errorf("%w: %s: binding wss needs a certificate in the TLS configuration", ErrInvalid, endpoint)
	}
	return nil
}

// mechanismName is the security mechanism's name as ZWS subprotocols
// carry it.
func (o options) mechanismName() string {
	if o.security.mechanism == "" {
		return "NULL"
	}
	return o.security.mechanism
}

// serveWebSocket runs a connection accepted on a ws or wss endpoint: the
// HTTP upgrade, then ZWS.
func (s *Socket) serveWebSocket(l *listener, conn net.Conn) {
	cfg := s.engineConfig()
	endpoint := l.ln.Endpoint()
	ws, err := l.ln.AcceptWebSocket(conn, s.options().mechanismName(), cfg.HandshakeTimeout)
	if err != nil {
		s.handshakeFailed(endpoint, upgradeFailed(cfg, conn.RemoteAddr(), err))
		return
	}
	c, err := engine.HandshakeWS(ws.Conn, ws.Buffered, false, ws.Protocol, cfg)
	if err != nil {
		s.handshakeFailed(endpoint, err)
		return
	}
	s.runAccepted(l, conn, endpoint, c)
}

// upgradeFailed counts and logs a WebSocket upgrade that failed.
func upgradeFailed(cfg *engine.Config, remote net.Addr, err error) error {
	return cfg.Drop(remote, engine.TimedOut(err), "WebSocket upgrade failed")
}

// handshake runs the handshake of a connection a dialer made: for ws and
// wss the TLS handshake and the upgrade offering the subprotocols of the
// socket's mechanism come first.
func (s *Socket) handshake(d *dialer, conn net.Conn) (*engine.Conn, error) {
	cfg := s.engineConfig()
	if !isWebSocket(d.ep) {
		return engine.Handshake(conn, cfg)
	}
	o := s.options()
	ws, err := transport.OpenWebSocket(d.ctx, conn, d.ep, transport.WebSocketOptions{
		TLS:       o.tls,
		Protocols: zws.Offer(o.mechanismName()),
		Timeout:   cfg.HandshakeTimeout,
	})
	if err != nil {
		if d.ctx.Err() != nil {
			return nil, err // Disconnect or Close cut it short
		}
		return nil, upgradeFailed(cfg, conn.RemoteAddr(), err)
	}
	return engine.HandshakeWS(ws.Conn, ws.Buffered, true, ws.Protocol, cfg)
}

// WebSocketHandler returns an http.Handler that makes each WebSocket
// upgrade it serves a connection of the socket, as if accepted on a bound
// ws endpoint: a Go program can route a path of its own http.Server to the
// socket, beside its other handlers and behind its own TLS, middleware and
// authentication. The handler speaks ZWS 2.0 (RFC 45) with the socket's
// security mechanism; a request that is not an acceptable upgrade is
// answered with an HTTP error status, counted in Stats and logged. The
// handler does not check the Origin header: middleware that should, can.
//
// A request's handler returns when its connection ends; connections are
// closed with the socket, as accepted ones are. Requests that come after
// Close are answered 503.
func (s *Socket) WebSocketHandler() http.Handler {
	return webSocketHandler{s}
}

type webSocketHandler struct{ s *Socket }

func (h webSocketHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s := h.s
	l, ok := s.enterHandler()
	if !ok {
		http.Error(w, "the ZeroMQ socket is closed", http.StatusServiceUnavailable)
		return
	}
	defer s.wg.Done()
	scheme := "ws"
	if r.TLS != nil {
		scheme = "wss"
	}
	endpoint := scheme + "://" + r.Host + r.URL.Path
	cfg := s.engineConfig()
	if s.typ == STREAM {
		http.Error(w, "a STREAM socket does not speak ZWS", http.StatusNotImplemented)
		s.handshakeFailed(endpoint, upgradeFailed(cfg, remoteAddr(r), fmt.Errorf("%w: a STREAM socket does not speak ZWS", ErrInvalid)))
		return
	}
	ws, err := transport.UpgradeHTTP(w, r, s.options().mechanismName())
	if err != nil {
		s.handshakeFailed(endpoint, upgradeFailed(cfg, remoteAddr(r), err))
		return
	}
	if !s.track(ws.Conn, l) {
		ws.Conn.Close()
		return
	}
	defer s.untrack(ws.Conn, l)
	s.emit(EventAccepted, endpoint, nil)
	c, err := engine.HandshakeWS(ws.Conn, ws.Buffered, false, ws.Protocol, cfg)
	if err != nil {
		s.handshakeFailed(endpoint, err)
		return
	}
	s.runAccepted(l, ws.Conn, endpoint, c)
}

// enterHandler counts a handler's request as a goroutine of the socket and
// returns the pseudo-listener its connections are tracked under, so Close
// waits for them and cuts them after the linger; it refuses once the
// socket is closing.
func (s *Socket) enterHandler() (*listener, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closing {
		return nil, false
	}
	if s.mounted == nil {
		s.mounted = &listener{ln: transport.Mounted(), conns: map[net.Conn]bool{}}
	}
	s.wg.Add(1)
	return s.mounted, true
}

// remoteAddr is a request's peer as net.Addr, for logging.
func remoteAddr(r *http.Request) net.Addr {
	if a, err := net.ResolveTCPAddr("tcp", r.RemoteAddr); err == nil {
		return a
	}
	return nil
}
