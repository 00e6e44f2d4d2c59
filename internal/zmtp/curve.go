package zmtp

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"golang.org/x/crypto/curve25519"
	"golang.org/x/crypto/nacl/box"
)

// Sizes of the CurveZMQ commands (RFC 26) as libzmq 4.3 lays them out, for
// the command body, i.e. after the name.
const (
	curveKeySize    = 32
	curveMACSize    = box.Overhead // 16
	curveShortNonce = 8
	curveLongNonce  = 16

	// HELLO: version (2), padding (72), C' (32), short nonce (8),
	// Box[64 zeros](C'->S) (80).
	curveHelloPadding = 72
	curveHelloSig     = 64
	curveHelloSize    = 2 + curveHelloPadding + curveKeySize + curveShortNonce + curveMACSize + curveHelloSig

	// Cookie: long nonce, secretbox[C' + s'](t).
	curveCookieSize = curveLongNonce + curveMACSize + 2*curveKeySize

	// WELCOME: long nonce, Box[S' + cookie](S->C').
	curveWelcomeSize = curveLongNonce + curveMACSize + curveKeySize + curveCookieSize

	// Vouch inside INITIATE: long nonce, Box[C' + S](C->S').
	curveVouchSize = curveLongNonce + curveMACSize + 2*curveKeySize

	// INITIATE: cookie, short nonce, Box[C + vouch + metadata](C'->S').
	curveInitiateMin = curveCookieSize + curveShortNonce + curveMACSize + curveKeySize + curveVouchSize

	// READY: short nonce, Box[metadata](S'->C').
	curveReadyMin = curveShortNonce + curveMACSize

	// MESSAGE: short nonce, Box[flags + body].
	curveMessageMin = curveShortNonce + curveMACSize + 1
)

// Nonce prefixes, RFC 26.
const (
	curveHelloPrefix    = "CurveZMQHELLO---"
	curveWelcomePrefix  = "WELCOME-"
	curveCookiePrefix   = "COOKIE--"
	curveInitiatePrefix = "CurveZMQINITIATE"
	curveVouchPrefix    = "VOUCH---"
	curveReadyPrefix    = "CurveZMQREADY---"
	curveClientMsgPfx   = "CurveZMQMESSAGEC"
	curveServerMsgPfx   = "CurveZMQMESSAGES"
)

// Flags inside a MESSAGE box. libzmq 4.3 copies its msg_t flags there, where
// "command" is bit 1, not the frame header's bit 2.
const (
	curveMsgMore    = 0x01
	curveMsgCommand = 0x02
)

// errCurveBox is the one answer to any box that does not open, so that an
// attacker learns nothing about which part was wrong and no key material
// can slip into error text.
var errCurveBox = errors.New("zmq: CURVE box does not open (wrong key or tampered)")

func curveBoxError(what string) error {
	return fmt.Errorf("%w: %s: %w", ErrProtocol, what, errCurveBox)
}

func curveSizeError(what string, got int) error {
	return fmt.Errorf("%w: CURVE %s has wrong size (%d body bytes)", ErrProtocol, what, got)
}

// shortNonce builds a 24-byte nonce from a 16-byte prefix and a counter.
func shortNonce(prefix string, n uint64) *[24]byte {
	var nonce [24]byte
	copy(nonce[:], prefix)
	binary.BigEndian.PutUint64(nonce[16:], n)
	return &nonce
}

// longNonce builds a 24-byte nonce from an 8-byte prefix and 16 bytes.
func longNonce(prefix string, tail []byte) *[24]byte {
	var nonce [24]byte
	copy(nonce[:], prefix)
	copy(nonce[8:], tail)
	return &nonce
}

// precompute derives the box key for a pair of keys. A peer key of small
// order would make the shared secret all zeros, which libsodium refuses and
// box.Precompute silently accepts; curve25519.X25519 reports it, so it is
// asked first.
func precompute(shared *[32]byte, peerPublic, secret *[32]byte) error {
	if _, err := curve25519.X25519(secret[:], peerPublic[:]); err != nil {
		return fmt.Errorf("%w: CURVE peer key is not usable", ErrProtocol)
	}
	box.Precompute(shared, peerPublic, secret)
	return nil
}

// curveKeys holds this side's short-term key pair.
type curveKeys struct {
	public, secret [32]byte
}

func newCurveKeys(r io.Reader) (curveKeys, error) {
	var k curveKeys
	pub, sec, err := box.GenerateKey(r)
	if err != nil {
		return k, fmt.Errorf("zmq: CURVE key generation: %w", err)
	}
	k.public, k.secret = *pub, *sec
	return k, nil
}
