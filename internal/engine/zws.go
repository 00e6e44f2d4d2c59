package engine

import (
	crand "crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"time"

	"github.com/purezmq/zmq/internal/bufpool"
	"github.com/purezmq/zmq/internal/pipe"
	"github.com/purezmq/zmq/internal/zmtp"
	"github.com/purezmq/zmq/internal/zws"
)

// maxFragments bounds the WebSocket frames one ZWS frame may be split into.
// RFC 6455 lets any message be fragmented (libzmq refuses fragments; a
// browser or a proxy may send them), but a message whose fragments never end
// would otherwise keep the connection busy forever.
const maxFragments = 4096

// errWSClosed ends a connection whose peer sent a WebSocket close frame: an
// orderly end, like io.EOF.
var errWSClosed = fmt.Errorf("peer closed the WebSocket: %w", io.EOF)

// op values of a frame the ZWS layer handles itself: opRaw marks a
// WebSocket frame that is not a whole ZWS frame (a control frame or a
// fragment), with its opcode in the low bits and opFin for the last
// fragment.
const (
	opRaw = 0x10
	opFin = 0x20
)

// wsWire is how one connection lays frames out in WebSocket (RFC 6455)
// for ZWS (RFC 45): each frame a binary message whose first byte is the
// flags. A client masks what it sends; a server must not.
type wsWire struct {
	client bool
	keys   *rand.ChaCha8 // masking keys, for a client
	// The fragmented message being read: its flags once known, its body
	// so far, and how many fragments made it.
	partial  bool
	gotFlags bool
	flags    byte
	body     []byte
	parts    int
}

func newWSWire(client bool) *wsWire {
	w := &wsWire{client: client}
	if client {
		// RFC 6455 wants masking keys an intermediary cannot predict.
		var seed [32]byte
		_, _ = crand.Read(seed[:])
		w.keys = rand.NewChaCha8(seed)
	}
	return w
}

// parse decodes the header of the next frame at the start of b. A whole
// ZWS frame in one binary message, the usual case, comes back as a frame
// header of the flags byte's flags and the body's size, n counting the
// flags byte; anything else comes back with op set for next to handle.
func (w *wsWire) parse(b []byte) (header, int, error) {
	h, n, err := zws.ParseHeader(b)
	if err != nil || n == 0 {
		return header{}, 0, err
	}
	if h.Masked != !w.client {
		if w.client {
			return header{}, 0, fmt.Errorf("%w: the server masked a WebSocket frame", zmtp.ErrProtocol)
		}
		return header{}, 0, fmt.Errorf("%w: the client sent an unmasked WebSocket frame", zmtp.ErrProtocol)
	}
	switch {
	case h.Op == zws.OpText:
		return header{}, 0, fmt.Errorf("%w: WebSocket text frame (ZWS messages are binary)", zmtp.ErrProtocol)
	case h.Op == zws.OpBinary && h.Fin && !w.partial:
		if h.Size == 0 {
			return header{}, 0, fmt.Errorf("%w: empty WebSocket message (a ZWS frame starts with its flags)", zmtp.ErrProtocol)
		}
		if len(b) <= n {
			return header{}, 0, nil
		}
		flags := b[n] ^ byte(h.Key)
		return header{flags: zws.ToZMTP(flags), size: h.Size - 1, masked: h.Masked, key: rotateKey(h.Key)}, n + 1, nil
	}
	op := opRaw | h.Op
	if h.Fin {
		op |= opFin
	}
	return header{op: op, size: h.Size, masked: h.Masked, key: h.Key}, n, nil
}

// rotateKey shifts a masking key by the flags byte it already unmasked.
func rotateKey(key uint32) uint32 { return key>>8 | key<<24 }

// next reads the next ZWS frame, or a control frame (op set, body the
// payload), joining fragments.
func (w *wsWire) next(in *input, limit int64) (frame, error) {
	for {
		f, err := in.next(limit)
		if err != nil || f.op == 0 {
			if err == nil && w.partial {
				err = fmt.Errorf("%w: WebSocket message begun inside a fragmented one", zmtp.ErrProtocol)
			}
			return f, err
		}
		op := f.op &^ (opRaw | opFin)
		if zws.IsControl(op) {
			in.takeBack()
			return f, nil
		}
		done, err := w.fragment(in, f, op, limit)
		if err != nil || !done {
			if err != nil {
				return frame{}, err
			}
			continue
		}
		body := w.body
		w.partial, w.gotFlags, w.body, w.parts = false, false, nil, 0
		return frame{flags: zws.ToZMTP(w.flags), body: body}, nil
	}
}

// fragment adds one fragment to the message being joined and reports
// whether it was the last.
func (w *wsWire) fragment(in *input, f frame, op byte, limit int64) (bool, error) {
	switch {
	case op == zws.OpBinary && w.partial, op == zws.OpContinuation && !w.partial:
		return false, fmt.Errorf("%w: WebSocket fragments out of order", zmtp.ErrProtocol)
	}
	w.partial = true
	w.parts++
	if w.parts > maxFragments {
		return false, fmt.Errorf("%w: WebSocket message in more than %d fragments", zmtp.ErrProtocol, maxFragments)
	}
	payload := f.body
	if !w.gotFlags && len(payload) > 0 {
		w.flags, w.gotFlags, payload = payload[0], true, payload[1:]
	}
	if limit >= 0 && int64(len(w.body))+int64(len(payload)) > limit {
		return false, fmt.Errorf("%w: fragmented frame of over %d bytes, limit %d", zmtp.ErrTooLarge, len(w.body)+len(payload), limit)
	}
	w.body = append(w.body, payload...)
	// The fragment's bytes are copied out: a lent slice goes back to the
	// read buffer's count, a buffer of its own to the pool.
	in.takeBack()
	if f.own {
		bufpool.Put(f.body)
	}
	if f.op&opFin == 0 {
		return false, nil
	}
	if !w.gotFlags {
		return false, fmt.Errorf("%w: empty WebSocket message (a ZWS frame starts with its flags)", zmtp.ErrProtocol)
	}
	return true, nil
}

// appendHeader appends the WebSocket header and the flags byte of a binary
// message carrying a frame of size bytes with ZMTP flags, and returns the
// key that masks the body (from its second byte on) for a client.
func (w *wsWire) appendHeader(dst []byte, flags byte, size int) ([]byte, uint32) {
	var key uint32
	if w.client {
		key = uint32(w.keys.Uint64())
	}
	dst = zws.AppendHeader(dst, true, zws.OpBinary, size+1, w.client, key)
	return append(dst, zws.FromZMTP(flags)^byte(key)), key
}

// appendFrame appends a whole frame, its body copied (and masked).
func (w *wsWire) appendFrame(dst []byte, flags byte, body []byte) []byte {
	dst, key := w.appendHeader(dst, flags, len(body))
	at := len(dst)
	dst = append(dst, body...)
	if w.client {
		zws.Mask(dst[at:], key, 1)
	}
	return dst
}

// appendControl appends a control frame (ping, pong, close).
func (w *wsWire) appendControl(dst []byte, op byte, payload []byte) []byte {
	var key uint32
	if w.client {
		key = uint32(w.keys.Uint64())
	}
	dst = zws.AppendHeader(dst, true, op, len(payload), w.client, key)
	at := len(dst)
	dst = append(dst, payload...)
	if w.client {
		zws.Mask(dst[at:], key, 0)
	}
	return dst
}

// HandshakeWS runs the ZWS handshake on a connection that the WebSocket
// upgrade opened: there is no greeting; the mechanism the subprotocol
// names runs at once, or, for "ZWS2.0", each side sends its routing id.
// buffered holds bytes read past the upgrade; client tells the side that
// dialled, which masks what it sends.
func HandshakeWS(conn net.Conn, buffered []byte, client bool, protocol string, cfg *Config) (*Conn, error) {
	// ZWS carries ZMTP 3.1's commands and mechanisms; only the framing
	// and the missing greeting differ.
	c := &Conn{conn: conn, in: newInput(conn), cfg: cfg, ws: newWSWire(client), version: zmtp.ZMTP3}
	c.in.ws = c.ws
	c.in.preload(buffered)
	return c.shake(func() error { return c.handshakeWS(protocol) })
}

func (c *Conn) handshakeWS(protocol string) error {
	if protocol == zws.ProtocolRaw {
		return c.exchangeRoutingIDs()
	}
	mech := c.cfg.NewMechanism(zmtp.Config{
		Local:       c.localMetadata(),
		ZAP:         c.cfg.ZAP != nil,
		Domain:      c.cfg.ZAPDomain,
		PeerAddress: peerIP(c.conn),
	})
	if zws.Mechanism(protocol) != mech.Name() {
		return fmt.Errorf("%w: subprotocol %q does not run our mechanism %s", zmtp.ErrProtocol, protocol, mech.Name())
	}
	if err := c.runMechanism(mech); err != nil {
		return err
	}
	// RFC 45: subscriptions travel as messages (0x01 or 0x00, then the
	// topic), as in ZMTP 3.0, not as SUBSCRIBE and CANCEL commands.
	return c.acceptPeer(mech, true)
}

// exchangeRoutingIDs is the handshake of ZWS 2.0 with no mechanism (the
// subprotocol "ZWS2.0", which jszmq speaks): each side's first message is
// its routing id, and nothing tells the socket type, so no compatibility
// check is possible.
func (c *Conn) exchangeRoutingIDs() error {
	if _, err := c.conn.Write(c.ws.appendFrame(nil, 0, c.cfg.RoutingID)); err != nil {
		return err
	}
	f, err := c.handshakeFrame(255)
	if err != nil {
		return err
	}
	if f.flags&zmtp.FlagCommand != 0 {
		return fmt.Errorf("%w: command where the peer's routing id belongs", zmtp.ErrProtocol)
	}
	var props zmtp.Metadata
	if addr := peerIP(c.conn); addr != "" {
		props = append(props, zmtp.Property{Name: "Peer-Address", Value: addr})
	}
	c.peer = pipe.Peer{
		RoutingID:       append([]byte(nil), f.body...),
		NoSocketType:    true,
		Meta:            &props,
		LegacySubscribe: true,
	}
	return nil
}

// handshakeFrame reads the next frame during the handshake, answering
// pings on the way (nothing else writes yet).
func (c *Conn) handshakeFrame(limit int64) (frame, error) {
	for {
		f, err := c.ws.next(c.in, limit)
		if err != nil || f.op == 0 {
			return f, err
		}
		switch f.op &^ (opRaw | opFin) {
		case zws.OpPing:
			if _, err := c.conn.Write(c.ws.appendControl(nil, zws.OpPong, f.body)); err != nil {
				return frame{}, err
			}
		case zws.OpClose:
			return frame{}, fmt.Errorf("%w: peer closed the WebSocket during the handshake%s", zmtp.ErrProtocol, closeReason(f.body))
		}
	}
}

// closeReason describes a close frame's payload for a log line.
func closeReason(payload []byte) string {
	if len(payload) < 2 {
		return ""
	}
	return fmt.Sprintf(" (%d %q)", binary.BigEndian.Uint16(payload), payload[2:])
}

// wsControl handles a control frame after the handshake: a ping is answered
// by the writer, a close ends the connection once the writer has answered
// it too.
func (s *session) wsControl(f frame) error {
	switch f.op &^ (opRaw | opFin) {
	case zws.OpPing:
		s.queuePong(pong{ws: true, payload: append([]byte(nil), f.body...)})
	case zws.OpClose:
		s.wsCloseReply.Store(closePayload(f.body))
		return errWSClosed
	}
	return nil
}

// closePayload is the answer to a close frame: its status code echoed.
func closePayload(got []byte) *[]byte {
	p := []byte{}
	if len(got) >= 2 {
		p = got[:2:2]
		p = append([]byte(nil), p...)
	}
	return &p
}

// goodbye sends a WebSocket close frame as the connection ends, saying
// why: a browser tells a clean close from a dropped connection by it. It is
// best effort: the connection may already be gone. The writer has stopped,
// so nothing else writes.
func (s *session) goodbye(err error) {
	if s.ws == nil {
		return
	}
	var payload []byte
	if p := s.wsCloseReply.Load(); p != nil {
		payload = *p
	} else {
		code := uint16(zws.CloseNormal)
		switch {
		case errors.Is(err, errDrained), err == nil:
		case errors.Is(err, zmtp.ErrTooLarge):
			code = zws.CloseTooBig
		case errors.Is(err, zmtp.ErrProtocol):
			code = zws.CloseProtocol
		default:
			return // the connection failed: nothing to say it on
		}
		payload = zws.AppendClose(nil, code, "")
	}
	s.closeWS(payload)
}

// closeWS sends a close frame, waiting no longer than goodbyeTimeout for a
// peer that does not read.
func (c *Conn) closeWS(payload []byte) {
	_ = c.conn.SetWriteDeadline(time.Now().Add(goodbyeTimeout))
	_, _ = c.conn.Write(c.ws.appendControl(nil, zws.OpClose, payload))
}

// refuseWS tells a ZWS peer whose handshake failed why, in a close frame,
// unless the failure was the connection's own.
func (c *Conn) refuseWS(err error) {
	code := uint16(zws.CloseProtocol)
	switch {
	case errors.Is(err, zmtp.ErrTooLarge):
		code = zws.CloseTooBig
	case errors.Is(err, zmtp.ErrProtocol), errors.Is(err, zmtp.ErrAuth), errors.Is(err, ErrSocketType):
	default:
		return
	}
	reason := err.Error()
	if errors.Is(err, zmtp.ErrAuth) {
		reason = "authentication failed" // the details are for our log only
	}
	c.closeWS(zws.AppendClose(nil, code, reason))
}

// goodbyeTimeout bounds the wait to write the close frame to a peer that
// does not read.
const goodbyeTimeout = time.Second
