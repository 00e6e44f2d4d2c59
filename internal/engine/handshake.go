package engine

import (
	"errors"
	"fmt"
	"net"
	"os"
	"strings"
	"time"

	"github.com/purezmq/zmq/internal/pipe"
	"github.com/purezmq/zmq/internal/zmtp"
)

// Conn is a connection whose handshake succeeded.
type Conn struct {
	conn  net.Conn
	in    *input
	cfg   *Config
	codec zmtp.Codec
	peer  pipe.Peer
	// ws is the ZWS framing of a WebSocket connection (zws.go); nil for
	// ZMTP.
	ws *wsWire
	// askedZAP records that a ZAP handler vouched for the peer.
	askedZAP bool
	// version is the peer's ZMTP version.
	version zmtp.Version
	// subscribeAll has the session hand the socket a subscription to
	// everything first: an unversioned ZMTP 1.0 subscriber sends none.
	subscribeAll bool
	// unsent counts what Run could not write while its socket closed.
	unsent int
}

// Peer is what the handshake told about the other end.
func (c *Conn) Peer() pipe.Peer { return c.peer }

// Close closes the connection.
func (c *Conn) Close() error { return c.conn.Close() }

// Handshake exchanges greetings and runs the security mechanism on conn. On
// failure the connection is closed and the error says why.
func Handshake(conn net.Conn, cfg *Config) (*Conn, error) {
	c := &Conn{conn: conn, in: newInput(conn), cfg: cfg}
	return c.shake(func() error { return c.handshake(cfg.AsServer) })
}

// shake runs handshake within the handshake timeout, closing the
// connection on failure.
func (c *Conn) shake(handshake func() error) (*Conn, error) {
	if c.cfg.HandshakeTimeout > 0 {
		_ = c.conn.SetDeadline(time.Now().Add(c.cfg.HandshakeTimeout))
	}
	if err := handshake(); err != nil {
		if c.ws != nil {
			c.refuseWS(err)
		}
		c.conn.Close()
		return nil, c.cfg.Drop(c.conn.RemoteAddr(), TimedOut(err), "handshake failed")
	}
	_ = c.conn.SetDeadline(time.Time{})
	return c, nil
}

func (c *Conn) handshake(asServer bool) error {
	mech := c.cfg.NewMechanism(zmtp.Config{
		Local:       c.localMetadata(),
		ZAP:         c.cfg.ZAP != nil,
		Domain:      c.cfg.ZAPDomain,
		PeerAddress: peerIP(c.conn),
	})
	greeting := zmtp.Greeting{Major: 3, Minor: 1, Mechanism: mech.Name(), AsServer: asServer}
	peer, err := c.greet(greeting, c.oldestVersion(mech))
	if err != nil {
		return err
	}
	c.version = peer.version
	if peer.version != zmtp.ZMTP3 {
		return c.oldHandshake(peer)
	}
	if peer.v3.Mechanism != mech.Name() {
		return fmt.Errorf("%w: peer uses mechanism %s, we use %s", zmtp.ErrProtocol, peer.v3.Mechanism, mech.Name())
	}
	if err := c.runMechanism(mech); err != nil {
		return err
	}
	return c.acceptPeer(mech, peer.v3.Minor == 0)
}

func (c *Conn) runMechanism(mech zmtp.Mechanism) error {
	cmds, err := mech.Start()
	if err != nil {
		return err
	}
	for {
		if err := c.writeCommands(cmds); err != nil {
			return err
		}
		if mech.Ready() {
			return nil
		}
		if req := mech.ZAPRequest(); req != nil {
			c.askedZAP = true
			cmds, err = mech.ZAPReply(c.cfg.ZAP(req))
			if err != nil {
				_ = c.writeCommands(cmds)
				return err
			}
			continue
		}
		cmd, err := c.readCommand()
		if err != nil {
			return err
		}
		if cmds, err = mech.Handle(cmd); err != nil {
			_ = c.writeCommands(cmds)
			return err
		}
	}
}

func (c *Conn) readCommand() (zmtp.Command, error) {
	var f frame
	var err error
	if c.ws == nil {
		f, err = c.in.next(commandLimit)
	} else {
		f, err = c.handshakeFrame(commandLimit)
	}
	if err != nil {
		return zmtp.Command{}, err
	}
	if f.flags&zmtp.FlagCommand == 0 {
		return zmtp.Command{}, fmt.Errorf("%w: message frame during the handshake", zmtp.ErrProtocol)
	}
	// The mechanisms may keep what a command says, so they get a copy, and
	// the read buffer stays free for reuse.
	body := append([]byte(nil), f.body...)
	c.in.takeBack()
	cmd, err := zmtp.ParseCommand(body)
	if err != nil && mangledError(body) {
		return zmtp.Command{Name: zmtp.CmdError, Body: body[len(mangledErrorName):]}, nil
	}
	return cmd, err
}

// mangledErrorName is how libzmq 4.3.4's PLAIN server starts the ERROR it
// sends on refused credentials: its first byte overwritten ("^RROR", no
// name length), the reason intact after it. Read as what it means, a peer
// refused by that server learns it was refused, not that it broke ZMTP.
const mangledErrorName = "^RROR"

func mangledError(body []byte) bool {
	return len(body) > len(mangledErrorName) && string(body[:len(mangledErrorName)]) == mangledErrorName
}

func (c *Conn) writeCommands(cmds []zmtp.Command) error {
	if len(cmds) == 0 {
		return nil
	}
	var buf []byte
	for _, cmd := range cmds {
		if c.ws == nil {
			buf = zmtp.AppendCommand(buf, cmd.Name, cmd.Body)
			continue
		}
		body := append([]byte{byte(len(cmd.Name))}, cmd.Name...)
		buf = c.ws.appendFrame(buf, zmtp.FlagCommand, append(body, cmd.Body...))
	}
	_, err := c.conn.Write(buf)
	return err
}

// acceptPeer checks the peer's socket type and records what it said;
// legacySubscribe tells a peer that takes subscriptions as messages.
func (c *Conn) acceptPeer(mech zmtp.Mechanism, legacySubscribe bool) error {
	meta := mech.PeerMetadata()
	peerType, _ := meta.Get("Socket-Type")
	if !zmtp.Compatible(c.cfg.SocketType, peerType) {
		_ = c.writeCommands([]zmtp.Command{zmtp.ErrorCommand("Invalid socket type")})
		return fmt.Errorf("%w: %s cannot talk to %s", ErrSocketType, c.cfg.SocketType, peerType)
	}
	identity, _ := meta.Get("Identity")
	var props zmtp.Metadata
	if addr := peerIP(c.conn); addr != "" {
		props = append(props, zmtp.Property{Name: "Peer-Address", Value: addr})
	}
	for _, p := range meta {
		if !c.reserved(p.Name) {
			props = append(props, p)
		}
	}
	c.codec = mech.Codec()
	c.peer = pipe.Peer{
		RoutingID:       []byte(identity),
		SocketType:      peerType,
		Meta:            &props,
		LegacySubscribe: legacySubscribe,
	}
	return nil
}

// reserved names properties only this side may set: a peer sending them
// would pass itself off as another address or user. A User-Id in the
// metadata after a ZAP exchange is the handler's (the mechanisms let the
// handler's properties win over the peer's), even when empty, as in libzmq.
func (c *Conn) reserved(name string) bool {
	if strings.EqualFold(name, "User-Id") {
		return !c.askedZAP
	}
	return strings.EqualFold(name, "Peer-Address")
}

func (c *Conn) localMetadata() zmtp.Metadata {
	meta := zmtp.Metadata{{Name: "Socket-Type", Value: c.cfg.SocketType}}
	if len(c.cfg.RoutingID) > 0 {
		meta = append(meta, zmtp.Property{Name: "Identity", Value: string(c.cfg.RoutingID)})
	}
	return append(meta, c.cfg.Metadata...)
}

// peerIP is the peer's IP address for tcp, "" for other transports.
func peerIP(conn net.Conn) string {
	if addr, ok := conn.RemoteAddr().(*net.TCPAddr); ok {
		return addr.IP.String()
	}
	return ""
}

// dropped counts and logs why a connection ended, and returns err.
func (c *Conn) dropped(err error, what string) error {
	return c.cfg.Drop(c.conn.RemoteAddr(), err, what)
}

// TimedOut reports an error of a handshake that ran out of time as
// ErrHandshakeTimeout.
func TimedOut(err error) error {
	if errors.Is(err, os.ErrDeadlineExceeded) && !errors.Is(err, ErrHandshakeTimeout) {
		return fmt.Errorf("%w: %v", ErrHandshakeTimeout, err)
	}
	return err
}

// Drop counts and logs why a connection to remote was dropped (what says
// at which stage), and returns err. It serves the stages before the engine
// has a connection too, such as a WebSocket upgrade.
func (cfg *Config) Drop(remote net.Addr, err error, what string) error {
	if s := cfg.Stats; s != nil {
		switch {
		case errors.Is(err, zmtp.ErrAuth):
			s.AuthFailures.Add(1)
		case errors.Is(err, ErrHandshakeTimeout):
			s.HandshakeTimeouts.Add(1)
		case errors.Is(err, ErrHeartbeatTimeout):
			s.HeartbeatTimeouts.Add(1)
		case errors.Is(err, zmtp.ErrTooLarge):
			s.OversizedMessages.Add(1)
		case errors.Is(err, zmtp.ErrProtocol), errors.Is(err, ErrSocketType):
			s.ProtocolErrors.Add(1)
		}
	}
	peer := ""
	if remote != nil {
		peer = remote.String()
	}
	cfg.logger().Info("zmq: connection dropped", "what", what, "peer", peer, "err", err)
	return err
}
