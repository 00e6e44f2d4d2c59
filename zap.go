package zmq

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/purezmq/zmq/internal/zmtp"
)

// ZAPEndpoint is where a context's ZAP handler (RFC 27) is bound: a socket
// bound there, REP or ROUTER as in libzmq, is asked about every peer of the
// context's PLAIN and CURVE servers, and of its NULL sockets that have a
// ZAP domain (WithZAPDomain). NewAuthenticator binds one.
const ZAPEndpoint = "inproc://zeromq.zap.01"

const (
	zapName = "zeromq.zap.01"
	// zapDefaultTimeout bounds the wait for a ZAP reply when the socket has
	// no handshake timeout.
	zapDefaultTimeout = 10 * time.Second
	// zapMaxIdle is how many ZAP client sockets a context keeps for reuse.
	zapMaxIdle = 4
	zapVersion = "1.0"
)

var (
	errNoZAPHandler   = errors.New("no ZAP handler is bound at " + ZAPEndpoint)
	errZAPTimeout     = errors.New("the ZAP handler did not reply in time")
	errZAPSocketClose = errors.New("the socket is closing")
	errZAPHandlerGone = errors.New("the ZAP handler went away")
)

// zapClients is a context's pool of REQ sockets connected to its ZAP
// handler. A handshake takes one, asks, and gives it back; handshakes run
// concurrently, so several may be out at once. A socket whose request went
// unanswered is closed, never reused: a late reply must not be taken for
// the next request's.
type zapClients struct {
	mu     sync.Mutex
	idle   []zapConn
	nextID atomic.Uint64
}

// zapConn is a ZAP client socket and the handler it is connected to.
// Inproc connections are not remade when the handler goes, so a socket is
// good only while that same handler is bound.
type zapConn struct {
	sock    *Socket
	handler *Socket
}

// zapHandler returns how the context asks a ZAP handler about the peers of
// socket s, whose options are o, or nil when none is to be asked. As in
// libzmq 4.3:
//
//   - With no socket bound at inproc://zeromq.zap.01 nobody is asked
//     (session_base_t::zap_connect fails with ECONNREFUSED). The mechanisms
//     then do what libzmq does: CURVE lets every client in (Stonehouse),
//     PLAIN refuses every client, NULL lets every peer in.
//   - PLAIN and CURVE servers ask whatever their ZAP domain, even none
//     (curve_server_t asks when zap_required() || !zap_enforce_domain).
//   - NULL asks only when a ZAP domain is set (mechanism_base_t::zap_required
//     is !zap_domain.empty()); on either side, since NULL has no server.
//
// Whether a handler is bound is checked as each connection starts, the Go
// counterpart of libzmq checking when the handshake reaches ZAP.
func (c *Context) zapHandler(s *Socket, o options) func(*zmtp.ZAPRequest) zmtp.ZAPReply {
	switch o.security.mechanism {
	case "PLAIN", "CURVE":
		if !o.security.server {
			return nil
		}
	default: // NULL
		if o.zapDomain == "" {
			return nil
		}
	}
	if c.zapBound() == nil {
		if o.zapEnforce {
			// WithZAPEnforceDomain: no handler, no entry.
			return func(*zmtp.ZAPRequest) zmtp.ZAPReply {
				return zmtp.ZAPReply{StatusCode: "500", StatusText: errNoZAPHandler.Error()}
			}
		}
		return nil
	}
	timeout := o.handshakeTimeout
	if timeout <= 0 {
		timeout = zapDefaultTimeout
	}
	routingID := o.routingID
	log := o.logger()
	return func(req *zmtp.ZAPRequest) zmtp.ZAPReply {
		reply, err := c.askZAP(s, req, routingID, timeout)
		if err != nil {
			log.Warn("zmq: ZAP request failed", "mechanism", req.Mechanism, "domain", req.Domain,
				"address", req.Address, "err", err)
			return zmtp.ZAPReply{StatusCode: "500", StatusText: err.Error()}
		}
		return reply
	}
}

// zapBound is the socket bound at inproc://zeromq.zap.01, or nil.
func (c *Context) zapBound() *Socket {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.inproc.bound[zapName]
}

// askZAP sends req to the handler and returns its verdict. An error means
// no usable verdict came: no handler, no reply in time, a malformed reply.
//
// The request is RFC 27's as libzmq's zap_client_t sends it: version,
// request id, domain, address, routing id, mechanism, credentials. The
// routing id is the server socket's own (ZMQ_ROUTING_ID), as libzmq sends
// options.routing_id, unless the mechanism gave one.
func (c *Context) askZAP(srv *Socket, req *zmtp.ZAPRequest, routingID []byte, timeout time.Duration) (zmtp.ZAPReply, error) {
	ctx, cancel := context.WithTimeoutCause(context.Background(), timeout, errZAPTimeout)
	defer cancel()
	conn, err := c.zap.take(c)
	if err != nil {
		return zmtp.ZAPReply{}, err
	}
	// The wait ends early when the server socket closes (its Close waits
	// for this handshake) or the handler does (no reply will come).
	ctx, abort := context.WithCancelCause(ctx)
	defer abort(nil)
	go func() {
		select {
		case <-ctx.Done():
		case <-srv.done:
			abort(errZAPSocketClose)
		case <-conn.handler.done:
			abort(errZAPHandlerGone)
		}
	}()

	id := strconv.FormatUint(c.zap.nextID.Add(1), 10)
	if len(req.RoutingID) > 0 {
		routingID = req.RoutingID
	}
	frames := make([][]byte, 0, 6+len(req.Credentials))
	frames = append(frames, []byte(zapVersion), []byte(id), []byte(req.Domain), []byte(req.Address),
		clone(routingID), []byte(req.Mechanism))
	for _, cred := range req.Credentials {
		// Inproc hands frames over without a copy; the mechanism keeps
		// its own.
		frames = append(frames, clone(cred))
	}
	if err := conn.sock.Send(ctx, NewMsg(frames...)); err != nil {
		conn.sock.Close()
		return zmtp.ZAPReply{}, zapWaitError("sending the ZAP request", ctx, err)
	}
	m, err := conn.sock.Recv(ctx)
	if err != nil {
		conn.sock.Close()
		return zmtp.ZAPReply{}, zapWaitError("waiting for the ZAP reply", ctx, err)
	}
	c.zap.put(c, conn)
	return parseZAPReply(m.Frames, id)
}

func clone(b []byte) []byte { return append([]byte{}, b...) }

// zapWaitError says why a send or receive on the ZAP client gave up.
func zapWaitError(what string, ctx context.Context, err error) error {
	if cause := context.Cause(ctx); cause != nil {
		err = cause
	}
	return fmt.Errorf("%s: %w", what, err)
}

// parseZAPReply checks a reply as libzmq's
// zap_client_t::receive_and_process_zap_reply does (the REQ socket has
// taken the delimiter off): six frames, version "1.0", our request id, a
// status code of 200, 300, 400 or 500, and metadata in ZMTP property form.
//
// On success the user id goes first in the metadata as "User-Id", even
// empty: libzmq's set_user_id makes it a ZAP property, and ZAP properties
// win over the ones the peer sent, so a peer cannot pose as another user
// by sending a User-Id of its own.
func parseZAPReply(frames [][]byte, id string) (zmtp.ZAPReply, error) {
	if len(frames) != 6 {
		return zmtp.ZAPReply{}, fmt.Errorf("malformed ZAP reply: %d frames, want 6", len(frames))
	}
	if string(frames[0]) != zapVersion {
		return zmtp.ZAPReply{}, fmt.Errorf("malformed ZAP reply: version %q", frames[0])
	}
	if string(frames[1]) != id {
		return zmtp.ZAPReply{}, fmt.Errorf("malformed ZAP reply: request id %q, want %q", frames[1], id)
	}
	code := frames[2]
	if len(code) != 3 || code[0] < '2' || code[0] > '5' || code[1] != '0' || code[2] != '0' {
		return zmtp.ZAPReply{}, fmt.Errorf("malformed ZAP reply: status code %q", code)
	}
	meta, err := zmtp.ParseMetadata(frames[5])
	if err != nil {
		return zmtp.ZAPReply{}, fmt.Errorf("malformed ZAP reply: %w", err)
	}
	reply := zmtp.ZAPReply{StatusCode: string(code), StatusText: string(frames[3]), UserID: string(frames[4])}
	if reply.StatusCode == "200" {
		reply.Metadata = make(zmtp.Metadata, 0, 1+len(meta))
		reply.Metadata = append(reply.Metadata, zmtp.Property{Name: "User-Id", Value: reply.UserID})
		reply.Metadata = append(reply.Metadata, meta...)
	}
	return reply, nil
}

// take returns a client socket connected to the handler bound now, from
// the pool or new.
func (z *zapClients) take(c *Context) (zapConn, error) {
	handler := c.zapBound()
	if handler == nil {
		return zapConn{}, errNoZAPHandler
	}
	var stale []*Socket
	defer func() {
		for _, s := range stale {
			s.Close()
		}
	}()
	z.mu.Lock()
	for len(z.idle) > 0 {
		conn := z.idle[len(z.idle)-1]
		z.idle = z.idle[:len(z.idle)-1]
		if conn.handler == handler && !conn.sock.isClosed() && !handler.isClosed() {
			z.mu.Unlock()
			return conn, nil
		}
		stale = append(stale, conn.sock)
	}
	z.mu.Unlock()

	sock, err := c.NewSocket(REQ, WithLinger(0))
	if err != nil {
		return zapConn{}, err
	}
	if err := sock.Connect(ZAPEndpoint); err != nil {
		sock.Close()
		return zapConn{}, err
	}
	// The handler may have changed since we looked: the link says whom we
	// are connected to. An unbound name leaves the connect pending.
	sock.mu.Lock()
	var peer *Socket
	if links := sock.inprocs[ZAPEndpoint]; len(links) == 1 {
		peer = links[0].peer
	}
	sock.mu.Unlock()
	if peer == nil {
		sock.Close()
		return zapConn{}, errNoZAPHandler
	}
	return zapConn{sock: sock, handler: peer}, nil
}

// put gives a socket back after a completed exchange.
func (z *zapClients) put(c *Context, conn zapConn) {
	current := c.zapBound()
	z.mu.Lock()
	if len(z.idle) < zapMaxIdle && current == conn.handler {
		z.idle = append(z.idle, conn)
		conn = zapConn{}
	}
	z.mu.Unlock()
	if conn.sock != nil {
		conn.sock.Close()
	}
}
