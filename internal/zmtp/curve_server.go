package zmtp

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"golang.org/x/crypto/nacl/box"
	"golang.org/x/crypto/nacl/secretbox"
)

// NewCurveServer returns the server side of CURVE (RFC 25/26) as libzmq 4.3
// speaks it. secret is the server's long-term secret key (s).
//
// Without cfg.ZAP every client that completes the handshake is let in, as
// libzmq 4.3 does when no ZAP handler is installed (the "Stonehouse"
// pattern: encryption without authentication).
func NewCurveServer(cfg Config, secret [32]byte) Mechanism {
	return &curveServer{cfg: cfg, secret: secret, rand: rand.Reader}
}

type curveServerState int

const (
	curveServerNew curveServerState = iota
	curveServerWaitHello
	curveServerWaitInitiate
	curveServerWaitZAP
	curveServerReady
	curveServerFailed
)

// The server's short nonces count from 1: READY, then its MESSAGEs.
const (
	curveReadyNonce  = 1
	curveServerFirst = 2
)

type curveServer struct {
	cfg    Config
	secret [32]byte // s
	public [32]byte // S
	rand   io.Reader

	state       curveServerState
	short       curveKeys // S', s'
	clientShort [32]byte  // C'
	cookieKey   [32]byte  // t
	codec       *curveCodec
	zap         *ZAPRequest
	peer        Metadata
	userID      string
}

func (m *curveServer) Name() string { return "CURVE" }

// Start sends nothing (the client speaks first) but makes the short-term
// keys, which can fail.
func (m *curveServer) Start() ([]Command, error) {
	if m.state != curveServerNew {
		return nil, m.fail(fmt.Errorf("%w: CURVE mechanism started twice", ErrProtocol))
	}
	var err error
	if m.public, err = CurvePublic(m.secret); err != nil {
		return nil, m.fail(errors.New("zmq: CURVE server secret key is not usable"))
	}
	if m.short, err = newCurveKeys(m.rand); err != nil {
		return nil, m.fail(err)
	}
	m.state = curveServerWaitHello
	return nil, nil
}

func (m *curveServer) Handle(cmd Command) ([]Command, error) {
	switch {
	case cmd.Name == CmdHello && m.state == curveServerWaitHello:
		welcome, err := m.hello(cmd.Body)
		if err != nil {
			return nil, m.fail(err)
		}
		m.state = curveServerWaitInitiate
		return []Command{welcome}, nil
	case cmd.Name == CmdInitiate && m.state == curveServerWaitInitiate:
		clientKey, err := m.initiate(cmd.Body)
		if err != nil {
			return nil, m.fail(err)
		}
		if m.cfg.ZAP {
			m.zap = &ZAPRequest{
				Domain:      m.cfg.Domain,
				Address:     m.cfg.PeerAddress,
				RoutingID:   m.cfg.RoutingID,
				Mechanism:   "CURVE",
				Credentials: [][]byte{clientKey},
			}
			m.state = curveServerWaitZAP
			return nil, nil
		}
		return []Command{m.readyCommand()}, nil
	}
	return nil, m.fail(fmt.Errorf("%w: unexpected %q command in CURVE handshake", ErrProtocol, cmd.Name))
}

// hello checks HELLO and builds WELCOME.
func (m *curveServer) hello(b []byte) (Command, error) {
	// An exact size keeps HELLO from being an amplification lever: WELCOME
	// is never longer than what the client sent.
	if len(b) != curveHelloSize {
		return Command{}, curveSizeError("HELLO", len(b))
	}
	if b[0] != 1 || b[1] != 0 {
		return Command{}, fmt.Errorf("%w: CURVE HELLO version %d.%d, want 1.0", ErrProtocol, b[0], b[1])
	}
	// The padding is not checked: libzmq does not, and it carries nothing.
	off := 2 + curveHelloPadding
	copy(m.clientShort[:], b[off:off+curveKeySize])
	off += curveKeySize
	n := binary.BigEndian.Uint64(b[off:])
	off += curveShortNonce

	var helloKey [32]byte
	if err := precompute(&helloKey, &m.clientShort, &m.secret); err != nil {
		return Command{}, err
	}
	if _, ok := box.OpenAfterPrecomputation(nil, b[off:], shortNonce(curveHelloPrefix, n), &helloKey); !ok {
		return Command{}, curveBoxError("HELLO")
	}

	// The cookie lets a stateless server recover C' and s' from INITIATE;
	// this one keeps state, but libzmq peers expect the cookie all the same.
	var nonces [2 * curveLongNonce]byte
	if _, err := io.ReadFull(m.rand, m.cookieKey[:]); err != nil {
		return Command{}, fmt.Errorf("zmq: CURVE cookie key: %w", err)
	}
	if _, err := io.ReadFull(m.rand, nonces[:]); err != nil {
		return Command{}, fmt.Errorf("zmq: CURVE nonce: %w", err)
	}
	cookieTail, welcomeTail := nonces[:curveLongNonce], nonces[curveLongNonce:]
	cookiePlain := make([]byte, 0, 2*curveKeySize)
	cookiePlain = append(append(cookiePlain, m.clientShort[:]...), m.short.secret[:]...)

	plain := make([]byte, 0, curveKeySize+curveCookieSize)
	plain = append(plain, m.short.public[:]...)
	plain = append(plain, cookieTail...)
	plain = secretbox.Seal(plain, cookiePlain, longNonce(curveCookiePrefix, cookieTail), &m.cookieKey)
	clear(cookiePlain)

	body := make([]byte, 0, curveWelcomeSize)
	body = append(body, welcomeTail...)
	body = box.SealAfterPrecomputation(body, plain, longNonce(curveWelcomePrefix, welcomeTail), &helloKey)
	clear(plain)
	m.codec = &curveCodec{sendPrefix: curveServerMsgPfx, recvPrefix: curveClientMsgPfx, sendNonce: curveServerFirst, recvNonce: n}
	return Command{Name: CmdWelcome, Body: body}, nil
}

// initiate checks INITIATE and returns the client's long-term key.
func (m *curveServer) initiate(b []byte) ([]byte, error) {
	if len(b) < curveInitiateMin {
		return nil, curveSizeError("INITIATE", len(b))
	}
	cookie := b[:curveCookieSize]
	cookiePlain, ok := secretbox.Open(nil, cookie[curveLongNonce:], longNonce(curveCookiePrefix, cookie[:curveLongNonce]), &m.cookieKey)
	if !ok {
		return nil, curveBoxError("INITIATE cookie")
	}
	want := make([]byte, 0, 2*curveKeySize)
	want = append(append(want, m.clientShort[:]...), m.short.secret[:]...)
	same := subtle.ConstantTimeCompare(cookiePlain, want) == 1
	clear(cookiePlain)
	clear(want)
	if !same {
		return nil, fmt.Errorf("%w: CURVE INITIATE cookie is not ours", ErrProtocol)
	}

	if err := precompute(&m.codec.key, &m.clientShort, &m.short.secret); err != nil {
		return nil, err
	}
	n := binary.BigEndian.Uint64(b[curveCookieSize:])
	plain, ok := box.OpenAfterPrecomputation(nil, b[curveCookieSize+curveShortNonce:], shortNonce(curveInitiatePrefix, n), &m.codec.key)
	if !ok {
		return nil, curveBoxError("INITIATE")
	}

	var clientKey [32]byte // C
	copy(clientKey[:], plain[:curveKeySize])
	vouch := plain[curveKeySize : curveKeySize+curveVouchSize]
	var vouchKey [32]byte
	if err := precompute(&vouchKey, &clientKey, &m.short.secret); err != nil {
		return nil, err
	}
	vouchPlain, ok := box.OpenAfterPrecomputation(nil, vouch[curveLongNonce:], longNonce(curveVouchPrefix, vouch[:curveLongNonce]), &vouchKey)
	if !ok {
		return nil, curveBoxError("INITIATE vouch")
	}
	// libzmq checks only C'; RFC 26 asks for S too, and libzmq clients put
	// it there, so checking it costs no interoperability.
	if subtle.ConstantTimeCompare(vouchPlain[:curveKeySize], m.clientShort[:]) != 1 ||
		subtle.ConstantTimeCompare(vouchPlain[curveKeySize:], m.public[:]) != 1 {
		return nil, fmt.Errorf("%w: CURVE vouch does not match this connection", ErrProtocol)
	}

	peer, err := ParseMetadata(plain[curveKeySize+curveVouchSize:])
	if err != nil {
		return nil, fmt.Errorf("CURVE INITIATE: %w", err)
	}
	m.peer = peer
	// The client's MESSAGE nonces continue from INITIATE's.
	m.codec.recvNonce = n
	clear(m.short.secret[:])
	clear(m.cookieKey[:])
	return clientKey[:], nil
}

func (m *curveServer) readyCommand() Command {
	body := make([]byte, 0, curveShortNonce+curveMACSize)
	body = binary.BigEndian.AppendUint64(body, curveReadyNonce)
	body = box.SealAfterPrecomputation(body, AppendMetadata(nil, m.cfg.Local), shortNonce(curveReadyPrefix, curveReadyNonce), &m.codec.key)
	m.state = curveServerReady
	return Command{Name: CmdReady, Body: body}
}

func (m *curveServer) ZAPRequest() *ZAPRequest {
	if m.state != curveServerWaitZAP {
		return nil
	}
	return m.zap
}

// ZAPReply returns the ERROR to send together with the error on refusal:
// the engine is to send the commands before it closes.
func (m *curveServer) ZAPReply(reply ZAPReply) ([]Command, error) {
	if m.state != curveServerWaitZAP {
		return nil, m.fail(fmt.Errorf("%w: ZAP reply while none was asked for", ErrProtocol))
	}
	m.zap = nil
	cmds, err := zapVerdict(reply)
	if err != nil {
		return cmds, m.fail(err)
	}
	m.userID = reply.UserID
	m.peer = mergeMetadata(m.peer, reply.Metadata)
	return []Command{m.readyCommand()}, nil
}

func (m *curveServer) Ready() bool            { return m.state == curveServerReady }
func (m *curveServer) PeerMetadata() Metadata { return m.peer }
func (m *curveServer) UserID() string         { return m.userID }

func (m *curveServer) Codec() Codec {
	if m.state != curveServerReady {
		return nil
	}
	return m.codec
}

func (m *curveServer) fail(err error) error {
	m.state = curveServerFailed
	m.codec = nil
	m.zap = nil
	clear(m.short.secret[:])
	clear(m.cookieKey[:])
	return err
}
