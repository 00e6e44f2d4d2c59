package zmtp

import (
	"crypto/rand"

	"golang.org/x/crypto/curve25519"
)

// NewCurveKeyPair returns a fresh CURVE long-term key pair, as
// zmq_curve_keypair does.
func NewCurveKeyPair() (public, secret [32]byte, err error) {
	if _, err = rand.Read(secret[:]); err != nil {
		return public, secret, err
	}
	public, err = CurvePublic(secret)
	return public, secret, err
}

// CurvePublic derives the public key that goes with secret, as
// zmq_curve_public does.
func CurvePublic(secret [32]byte) ([32]byte, error) {
	var public [32]byte
	p, err := curve25519.X25519(secret[:], curve25519.Basepoint)
	if err != nil {
		return public, err
	}
	copy(public[:], p)
	return public, nil
}
