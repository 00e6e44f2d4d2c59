package zmtp

import (
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"golang.org/x/crypto/nacl/box"
)

// NewCurveClient returns the client side of CURVE (RFC 25/26) as libzmq 4.3
// speaks it: HELLO, WELCOME, INITIATE, READY, then MESSAGE commands through
// Codec. serverPublic is the server's long-term key (S); public and secret
// are ours (C, c).
func NewCurveClient(cfg Config, serverPublic, public, secret [32]byte) Mechanism {
	return &curveClient{cfg: cfg, server: serverPublic, public: public, secret: secret, rand: rand.Reader}
}

type curveClientState int

const (
	curveClientNew curveClientState = iota
	curveClientWaitWelcome
	curveClientWaitReady
	curveClientReady
	curveClientFailed
)

// The client's short nonces count from 1 across HELLO, INITIATE and its
// MESSAGEs, as libzmq's single counter does.
const (
	curveHelloNonce    = 1
	curveInitiateNonce = 2
	curveClientFirst   = 3
)

type curveClient struct {
	cfg            Config
	server         [32]byte // S
	public, secret [32]byte // C, c
	rand           io.Reader

	state curveClientState
	short curveKeys // C', c'
	codec *curveCodec
	peer  Metadata
}

func (m *curveClient) Name() string { return "CURVE" }

func (m *curveClient) Start() ([]Command, error) {
	if m.state != curveClientNew {
		return nil, m.fail(fmt.Errorf("%w: CURVE mechanism started twice", ErrProtocol))
	}
	var err error
	if m.short, err = newCurveKeys(m.rand); err != nil {
		return nil, m.fail(err)
	}
	var helloKey [32]byte
	if err := precompute(&helloKey, &m.server, &m.short.secret); err != nil {
		return nil, m.fail(errors.New("zmq: CURVE server key is not usable"))
	}
	body := make([]byte, 2+curveHelloPadding, curveHelloSize)
	body[0], body[1] = 1, 0 // CurveZMQ version 1.0
	body = append(body, m.short.public[:]...)
	body = binary.BigEndian.AppendUint64(body, curveHelloNonce)
	var zeros [curveHelloSig]byte
	body = box.SealAfterPrecomputation(body, zeros[:], shortNonce(curveHelloPrefix, curveHelloNonce), &helloKey)
	m.state = curveClientWaitWelcome
	return []Command{{Name: CmdHello, Body: body}}, nil
}

func (m *curveClient) Handle(cmd Command) ([]Command, error) {
	switch {
	case cmd.Name == CmdWelcome && m.state == curveClientWaitWelcome:
		initiate, err := m.welcome(cmd.Body)
		if err != nil {
			return nil, m.fail(err)
		}
		m.state = curveClientWaitReady
		return []Command{initiate}, nil
	case cmd.Name == CmdReady && m.state == curveClientWaitReady:
		if err := m.ready(cmd.Body); err != nil {
			return nil, m.fail(err)
		}
		m.state = curveClientReady
		return nil, nil
	case cmd.Name == CmdError && (m.state == curveClientWaitWelcome || m.state == curveClientWaitReady):
		return nil, m.fail(peerError(cmd.Body))
	}
	return nil, m.fail(fmt.Errorf("%w: unexpected %q command in CURVE handshake", ErrProtocol, cmd.Name))
}

// welcome opens WELCOME and builds INITIATE.
func (m *curveClient) welcome(b []byte) (Command, error) {
	if len(b) != curveWelcomeSize {
		return Command{}, curveSizeError("WELCOME", len(b))
	}
	plain, ok := box.Open(nil, b[curveLongNonce:], longNonce(curveWelcomePrefix, b[:curveLongNonce]), &m.server, &m.short.secret)
	if !ok {
		return Command{}, curveBoxError("WELCOME")
	}
	var serverShort [32]byte // S'
	copy(serverShort[:], plain[:curveKeySize])
	cookie := plain[curveKeySize:]

	codec := &curveCodec{sendPrefix: curveClientMsgPfx, recvPrefix: curveServerMsgPfx, sendNonce: curveClientFirst}
	if err := precompute(&codec.key, &serverShort, &m.short.secret); err != nil {
		return Command{}, err
	}

	// The vouch proves that whoever holds c also holds c', for this server.
	var vouchTail [curveLongNonce]byte
	if _, err := io.ReadFull(m.rand, vouchTail[:]); err != nil {
		return Command{}, fmt.Errorf("zmq: CURVE nonce: %w", err)
	}
	vouchPlain := make([]byte, 0, 2*curveKeySize)
	vouchPlain = append(append(vouchPlain, m.short.public[:]...), m.server[:]...)

	inner := make([]byte, 0, curveKeySize+curveVouchSize)
	inner = append(inner, m.public[:]...)
	inner = append(inner, vouchTail[:]...)
	inner = box.Seal(inner, vouchPlain, longNonce(curveVouchPrefix, vouchTail[:]), &serverShort, &m.secret)
	inner = AppendMetadata(inner, m.cfg.Local)

	body := make([]byte, 0, curveCookieSize+curveShortNonce+curveMACSize+len(inner))
	body = append(body, cookie...)
	body = binary.BigEndian.AppendUint64(body, curveInitiateNonce)
	body = box.SealAfterPrecomputation(body, inner, shortNonce(curveInitiatePrefix, curveInitiateNonce), &codec.key)

	m.codec = codec
	return Command{Name: CmdInitiate, Body: body}, nil
}

func (m *curveClient) ready(b []byte) error {
	if len(b) < curveReadyMin {
		return curveSizeError("READY", len(b))
	}
	n := binary.BigEndian.Uint64(b)
	plain, ok := box.OpenAfterPrecomputation(nil, b[curveShortNonce:], shortNonce(curveReadyPrefix, n), &m.codec.key)
	if !ok {
		return curveBoxError("READY")
	}
	peer, err := ParseMetadata(plain)
	if err != nil {
		return fmt.Errorf("CURVE READY: %w", err)
	}
	m.peer = peer
	// The server's MESSAGE nonces continue from READY's.
	m.codec.recvNonce = n
	clear(m.short.secret[:])
	return nil
}

func (m *curveClient) ZAPRequest() *ZAPRequest { return nil }

func (m *curveClient) ZAPReply(ZAPReply) ([]Command, error) {
	return nil, m.fail(fmt.Errorf("%w: ZAP reply to a CURVE client", ErrProtocol))
}

func (m *curveClient) Ready() bool            { return m.state == curveClientReady }
func (m *curveClient) PeerMetadata() Metadata { return m.peer }
func (m *curveClient) UserID() string         { return "" }

func (m *curveClient) Codec() Codec {
	if m.state != curveClientReady {
		return nil
	}
	return m.codec
}

func (m *curveClient) fail(err error) error {
	m.state = curveClientFailed
	m.codec = nil
	clear(m.short.secret[:])
	return err
}
