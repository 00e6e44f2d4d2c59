package transport

import (
	"bufio"
	"context"
	"crypto/rand"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/purezmq/zmq/internal/zws"
)

// maxUpgradeBytes bounds the HTTP request or response of a WebSocket
// upgrade: a peer that sends more is dropped. Browsers' requests are well
// under 2 KiB; net/http's default limit for a whole header is 1 MiB, far
// more than an upgrade needs.
const maxUpgradeBytes = 16 << 10

// SplitWS splits a ws or wss address into "host:port" and the path, which
// is "" or starts with "/".
func SplitWS(addr string) (hostport, path string) {
	if i := strings.IndexByte(addr, '/'); i >= 0 {
		return addr[:i], addr[i:]
	}
	return addr, ""
}

// checkPath accepts the characters RFC 3986 allows in a path; a query or
// fragment has no meaning for a ZeroMQ endpoint.
func checkPath(s, path string) error {
	for i := 0; i < len(path); i++ {
		c := path[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' {
			continue
		}
		if !strings.ContainsRune("-._~!$&'()*+,;=:@/%", rune(c)) {
			return bad(s, fmt.Sprintf("invalid character %q in path", c))
		}
	}
	return nil
}

// WebSocket is a connection opened for ZWS: Conn carries the WebSocket
// frames (for wss, decrypted), Protocol is the subprotocol agreed, and
// Buffered holds bytes read past the HTTP handshake, the first frames.
type WebSocket struct {
	Conn     net.Conn
	Protocol string
	Buffered []byte
}

// WebSocket tells a ws or wss listener, whose connections begin with an
// HTTP upgrade (AcceptWebSocket).
func (l *Listener) WebSocket() bool {
	return strings.HasPrefix(l.endpoint, WS+"://") || strings.HasPrefix(l.endpoint, WSS+"://")
}

// UseTLS makes a ws listener a wss one: the connections it accepts speak
// TLS with cfg, whose handshake runs as the WebSocket upgrade reads the
// request (so within its deadline). It must be called before Accept is.
func (l *Listener) UseTLS(cfg *tls.Config) { l.tls = cfg }

// Path is the path a ws or wss listener serves ("" for any).
func (l *Listener) Path() string {
	_, path := SplitWS(strings.TrimPrefix(strings.TrimPrefix(l.endpoint, WSS+"://"), WS+"://"))
	return path
}

func listenWS(lc net.ListenConfig, ep Endpoint, ipv6 bool) (*Listener, error) {
	hostport, path := SplitWS(ep.Address)
	l, err := listenTCP(lc, Endpoint{Transport: TCP, Address: hostport}, ipv6)
	if err != nil {
		return nil, err
	}
	l.endpoint = ep.Transport + "://" + l.ln.Addr().String() + path
	return l, nil
}

// AcceptWebSocket answers the HTTP upgrade on a connection accepted by a
// ws or wss listener, for a socket using mechanism. The request's path
// must be the listener's, if it has one. It sends the refusal itself (an
// HTTP error status) when the request is not an acceptable ZWS upgrade,
// and closes conn on any failure. timeout bounds the TLS handshake and the
// request (0: no bound).
func (l *Listener) AcceptWebSocket(conn net.Conn, mechanism string, timeout time.Duration) (*WebSocket, error) {
	if timeout > 0 {
		_ = conn.SetDeadline(time.Now().Add(timeout))
	}
	ws, err := l.acceptWebSocket(conn, mechanism)
	if err != nil {
		conn.Close()
		return nil, err
	}
	_ = conn.SetDeadline(time.Time{})
	return ws, nil
}

func (l *Listener) acceptWebSocket(conn net.Conn, mechanism string) (*WebSocket, error) {
	br := bufio.NewReaderSize(&io.LimitedReader{R: conn, N: maxUpgradeBytes}, 4096)
	r, err := http.ReadRequest(br)
	if err != nil {
		var netErr net.Error
		if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) || errors.As(err, &netErr) {
			// A stall, a hang-up or a request over maxUpgradeBytes: no
			// one to answer, or not worth it.
			return nil, fmt.Errorf("WebSocket upgrade: %w", err)
		}
		refusal := &zws.UpgradeError{Status: http.StatusBadRequest, Reason: "malformed HTTP request: " + err.Error()}
		_, _ = conn.Write(zws.AppendRefusal(nil, refusal.Status, refusal.Reason))
		return nil, refusal
	}
	accept, protocol, err := zws.CheckRequest(r, mechanism)
	if err == nil {
		if path := l.Path(); path != "" && r.URL.Path != path {
			err = &zws.UpgradeError{Status: http.StatusNotFound, Reason: fmt.Sprintf("path %q, this endpoint serves %q", r.URL.Path, path)}
		}
	}
	var refusal *zws.UpgradeError
	if errors.As(err, &refusal) {
		_, _ = conn.Write(zws.AppendRefusal(nil, refusal.Status, refusal.Reason))
		return nil, err
	}
	if _, err := conn.Write(zws.AppendResponse(nil, accept, protocol)); err != nil {
		return nil, err
	}
	return &WebSocket{Conn: conn, Protocol: protocol, Buffered: buffered(br)}, nil
}

// buffered copies what br read past the handshake.
func buffered(br *bufio.Reader) []byte {
	if br.Buffered() == 0 {
		return nil
	}
	b, _ := br.Peek(br.Buffered())
	return append([]byte(nil), b...)
}

// UpgradeHTTP answers a request that reached an http.Handler: when it is a
// ZWS upgrade acceptable to a socket using mechanism, the connection is
// taken over from net/http and returned, upgraded; otherwise an HTTP error
// status is answered and the error returned. Only HTTP/1.1 connections can
// be taken over; net/http does not offer WebSocket over HTTP/2 (RFC 8441)
// unless told to, and then the request is refused here.
func UpgradeHTTP(w http.ResponseWriter, r *http.Request, mechanism string) (*WebSocket, error) {
	accept, protocol, err := zws.CheckRequest(r, mechanism)
	var refusal *zws.UpgradeError
	if errors.As(err, &refusal) {
		if refusal.Status == http.StatusUpgradeRequired {
			w.Header().Set("Sec-WebSocket-Version", "13")
		}
		http.Error(w, refusal.Reason, refusal.Status)
		return nil, err
	}
	conn, brw, err := http.NewResponseController(w).Hijack()
	if err != nil {
		refusal = &zws.UpgradeError{Status: http.StatusHTTPVersionNotSupported, Reason: "the connection cannot be taken over for WebSocket: " + err.Error()}
		http.Error(w, refusal.Reason, refusal.Status)
		return nil, refusal
	}
	// net/http's read and write timeouts no longer apply to what is now a
	// ZeroMQ connection.
	_ = conn.SetDeadline(time.Time{})
	if _, err := conn.Write(zws.AppendResponse(nil, accept, protocol)); err != nil {
		conn.Close()
		return nil, err
	}
	return &WebSocket{Conn: conn, Protocol: protocol, Buffered: buffered(brw.Reader)}, nil
}

// WebSocketOptions are what dialing a ws or wss endpoint needs beyond tcp.
type WebSocketOptions struct {
	// TLS configures wss; its ServerName defaults to the endpoint's host.
	TLS *tls.Config
	// Protocols are the subprotocols offered, preferred first.
	Protocols []string
	// Timeout bounds the TLS handshake and the upgrade (0: no bound
	// beyond the context).
	Timeout time.Duration
}

// DialWebSocket dials a ws or wss endpoint and opens a WebSocket on it:
// the tcp connection (tuned as t says), then OpenWebSocket.
func DialWebSocket(ctx context.Context, ep Endpoint, t Tuning, o WebSocketOptions) (*WebSocket, error) {
	conn, err := DialTuned(ctx, ep.Stream(), t)
	if err != nil {
		return nil, err
	}
	return OpenWebSocket(ctx, conn, ep, o)
}

// Stream is the endpoint of the byte stream under ep: for ws and wss the
// tcp endpoint of its host and port, otherwise ep itself.
func (e Endpoint) Stream() Endpoint {
	if e.Transport != WS && e.Transport != WSS {
		return e
	}
	hostport, _ := SplitWS(e.Address)
	return Endpoint{Transport: TCP, Address: hostport}
}

// OpenWebSocket opens a WebSocket for the ws or wss endpoint ep on conn,
// a tcp connection to its host: TLS for wss, then the HTTP upgrade. It
// closes conn on failure.
func OpenWebSocket(ctx context.Context, conn net.Conn, ep Endpoint, o WebSocketOptions) (*WebSocket, error) {
	if ep.Transport != WS && ep.Transport != WSS {
		conn.Close()
		return nil, fmt.Errorf("%w: %s is not a ws or wss endpoint", ErrEndpoint, ep)
	}
	if ep.Transport == WSS && o.TLS == nil {
		conn.Close()
		return nil, fmt.Errorf("%w: %s: wss needs a TLS configuration", ErrEndpoint, ep)
	}
	hostport, path := SplitWS(ep.Address)
	if o.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, o.Timeout)
		defer cancel()
	}
	// A cancelled context (Disconnect, Close) or its deadline cuts short
	// a handshake waiting on the peer.
	stop := context.AfterFunc(ctx, func() { _ = conn.SetDeadline(time.Unix(1, 0)) })
	ws, err := openWebSocket(ctx, conn, ep.Transport == WSS, hostport, path, o)
	if !stop() || err != nil {
		conn.Close()
		if ctx.Err() != nil {
			err = fmt.Errorf("WebSocket upgrade: %w", context.Cause(ctx))
			if errors.Is(err, context.DeadlineExceeded) {
				err = fmt.Errorf("WebSocket upgrade: %w", os.ErrDeadlineExceeded)
			}
		}
		return nil, err
	}
	return ws, nil
}

func openWebSocket(ctx context.Context, conn net.Conn, secure bool, hostport, path string, o WebSocketOptions) (*WebSocket, error) {
	if secure {
		cfg := o.TLS.Clone()
		if cfg.ServerName == "" {
			host, _, _ := net.SplitHostPort(hostport)
			cfg.ServerName = host
		}
		tc := tls.Client(conn, cfg)
		if err := tc.HandshakeContext(ctx); err != nil {
			return nil, fmt.Errorf("TLS handshake: %w", err)
		}
		conn = tc
	}
	var nonce [16]byte
	_, _ = rand.Read(nonce[:])
	key := zws.NewKey(nonce)
	if _, err := conn.Write(zws.AppendRequest(nil, hostport, path, key, o.Protocols)); err != nil {
		return nil, err
	}
	br := bufio.NewReaderSize(&io.LimitedReader{R: conn, N: maxUpgradeBytes}, 4096)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		return nil, fmt.Errorf("WebSocket upgrade: %w", err)
	}
	resp.Body.Close()
	protocol, err := zws.CheckResponse(resp, key, o.Protocols)
	if err != nil {
		return nil, err
	}
	return &WebSocket{Conn: conn, Protocol: protocol, Buffered: buffered(br)}, nil
}
