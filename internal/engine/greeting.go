package engine

import (
	"fmt"

	"github.com/purezmq/zmq/internal/zmtp"
)

// peerGreeting is what the peer's greeting said.
type peerGreeting struct {
	version zmtp.Version
	// v3 is a ZMTP 3.x peer's greeting.
	v3 zmtp.Greeting
	// socketType is the socket-type byte of a ZMTP 2.0 greeting (also
	// sent by ZMTP 1.0 peers of revision 0).
	socketType byte
}

// greet exchanges greetings. A peer older than oldest is refused as soon as
// its first bytes tell.
//
// The greeting goes in the three steps libzmq 4.3 takes, each once the
// peer's bytes so far allow, so that a peer of any version can read what it
// is sent: the signature; the major version, once the peer's signature shows
// it is not an unversioned ZMTP 1.0 peer; then, once the peer's revision is
// in, the rest of a ZMTP 3.1 greeting, or the socket-type byte of a ZMTP 2.0
// one. Each side sends what it can before it waits, so two such peers never
// wait on each other. Sent at once, the whole greeting would reach a ZMTP 2.0
// peer as a socket type (our minor version) and a frame (the mechanism
// name): it would hang up before saying who it is, or wait for the rest of a
// frame, and a socket that refuses such peers could not tell why.
func (c *Conn) greet(ours zmtp.Greeting, oldest int) (peerGreeting, error) {
	full := ours.Append(make([]byte, 0, zmtp.GreetingSize))
	v, sentMajor, err := c.readVersion(full[zmtp.SignatureLen])
	if err != nil {
		return peerGreeting{}, err
	}
	if v.Major() < oldest {
		return peerGreeting{}, c.refusal(v, oldest)
	}
	peer := peerGreeting{version: v}
	switch v {
	case zmtp.ZMTP10Unversioned:
		// Nothing more: the peer's bytes so far are its identity frame.
		return peer, nil
	case zmtp.ZMTP10, zmtp.ZMTP20:
		return peer, c.finishV2Greeting(&peer, sentMajor)
	}
	rest := full[zmtp.SignatureLen:]
	if sentMajor {
		rest = rest[1:]
	}
	if _, err := c.conn.Write(rest); err != nil {
		return peerGreeting{}, err
	}
	if err := c.in.need(zmtp.GreetingSize); err != nil {
		return peerGreeting{}, err
	}
	peer.v3, err = zmtp.ParseGreeting(c.in.buffered()[:zmtp.GreetingSize])
	c.in.r += zmtp.GreetingSize
	return peer, err
}

// readVersion sends our signature and reads the peer's first bytes until
// they tell its version, sending our major version once the peer's
// signature shows it has one too.
func (c *Conn) readVersion(major byte) (v zmtp.Version, sentMajor bool, err error) {
	signature := zmtp.AppendSignature(make([]byte, 0, zmtp.SignatureLen), len(c.cfg.RoutingID))
	if _, err := c.conn.Write(signature); err != nil {
		return 0, false, err
	}
	for {
		v, need, err := zmtp.PeerVersion(c.in.buffered())
		if err != nil || need == 0 {
			return v, sentMajor, err
		}
		if need > zmtp.SignatureLen && !sentMajor {
			if _, err := c.conn.Write([]byte{major}); err != nil {
				return 0, false, err
			}
			sentMajor = true
		}
		if err := c.in.need(need); err != nil {
			return 0, false, err
		}
	}
}

// finishV2Greeting sends the end of a ZMTP 2.0 greeting, our major version
// (3: RFC 15 peers take any revision above their own) if it has not gone yet
// and our socket-type byte, and reads the peer's socket-type byte.
func (c *Conn) finishV2Greeting(peer *peerGreeting, sentMajor bool) error {
	typeByte, _ := zmtp.SocketTypeByte(c.cfg.SocketType) // oldestVersion checked it
	end := []byte{3, typeByte}
	if sentMajor {
		end = end[1:]
	}
	if _, err := c.conn.Write(end); err != nil {
		return err
	}
	if err := c.in.need(zmtp.V2GreetingSize); err != nil {
		return err
	}
	peer.socketType = c.in.buffered()[zmtp.V2GreetingSize-1]
	c.in.r += zmtp.V2GreetingSize
	return nil
}

// oldestVersion is the oldest ZMTP major version this connection takes a
// peer of. ZMTP 1.0 and 2.0 have no security mechanism, so a socket with
// PLAIN or CURVE, or one that asks ZAP about NULL peers (a ZAP domain set),
// takes ZMTP 3.x peers only: libzmq 4.3 refuses old peers in the same cases
// (its zap_enabled), since taking them would skip the security. So does a
// socket of a type ZMTP 2.0 has no socket-type byte for.
func (c *Conn) oldestVersion(mech zmtp.Mechanism) int {
	oldest := c.cfg.OldestZMTP
	if oldest < 1 || oldest > 3 || mech.Name() != "NULL" || c.cfg.ZAPDomain != "" {
		return 3
	}
	if _, ok := zmtp.SocketTypeByte(c.cfg.SocketType); !ok {
		return 3
	}
	return oldest
}

func (c *Conn) refusal(v zmtp.Version, oldest int) error {
	why := "this socket takes ZMTP 3.x peers only"
	if oldest == 2 {
		why = "this socket takes ZMTP 2.0 and later"
	}
	return fmt.Errorf("%w: %s peer refused: %s", zmtp.ErrProtocol, v, why)
}
