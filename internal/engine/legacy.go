package engine

import (
	"bytes"
	"errors"
	"fmt"

	"github.com/purezmq/zmq/internal/pipe"
	"github.com/purezmq/zmq/internal/zmtp"
)

// maxIdentity is the longest identity RFC 13 and 15 allow.
const maxIdentity = 255

// oldHandshake finishes the handshake with a ZMTP 1.0 or 2.0 peer, which has
// no security mechanism, no commands and no metadata: each side sends its
// identity as its first frame (RFC 13 "Connection Layer", RFC 15 grammar),
// and a ZMTP 2.0 peer's socket type is the byte in its greeting.
func (c *Conn) oldHandshake(g peerGreeting) error {
	peerType := ""
	if g.version != zmtp.ZMTP10Unversioned {
		name, ok := zmtp.SocketTypeOfByte(g.socketType)
		if !ok || !zmtp.Compatible(c.cfg.SocketType, name) {
			// libzmq 4.3 does not look at this byte. RFC 15 asks for the
			// check, and for a silent disconnect: there is no ERROR to send.
			return fmt.Errorf("%w: %s cannot talk to a %s peer of socket-type byte %d", ErrSocketType,
				c.cfg.SocketType, g.version, g.socketType)
		}
		peerType = name
	}
	framing := g.version.Framing()
	c.in.framing = framing
	if frame := c.identityFrame(g.version, framing); len(frame) > 0 {
		if _, err := c.conn.Write(frame); err != nil {
			return err
		}
	}
	f, err := c.in.next(maxIdentity)
	if errors.Is(err, zmtp.ErrTooLarge) {
		err = fmt.Errorf("%w: identity over %d bytes", zmtp.ErrProtocol, maxIdentity)
	}
	if err != nil {
		return err
	}
	// The identity frame's flags are not looked at: RFC 13 says not to,
	// and libzmq does not.
	identity := bytes.Clone(f.body)
	var props zmtp.Metadata
	if addr := peerIP(c.conn); addr != "" {
		props = append(props, zmtp.Property{Name: "Peer-Address", Value: addr})
	}
	if peerType != "" {
		props = append(props, zmtp.Property{Name: "Socket-Type", Value: peerType})
	}
	if len(identity) > 0 {
		props = append(props, zmtp.Property{Name: "Identity", Value: string(identity)})
	}
	c.peer = pipe.Peer{
		RoutingID:       identity,
		SocketType:      peerType,
		Meta:            &props,
		LegacySubscribe: true,
		NoSocketType:    peerType == "",
	}
	// A ZMTP 1.0 subscriber (libzmq 2.x) filters by itself and sends no
	// subscriptions, so a publisher gives it everything, as libzmq does.
	c.subscribeAll = g.version == zmtp.ZMTP10Unversioned &&
		(c.cfg.SocketType == "PUB" || c.cfg.SocketType == "XPUB")
	return nil
}

// identityFrame is our identity as the peer's version wants it. An
// unversioned ZMTP 1.0 peer has read our signature as the header of this
// frame, so only the body is left.
func (c *Conn) identityFrame(v zmtp.Version, framing zmtp.Framing) []byte {
	id := c.cfg.RoutingID
	if v == zmtp.ZMTP10Unversioned {
		return bytes.Clone(id)
	}
	return append(framing.AppendHeader(nil, 0, len(id)), id...)
}
