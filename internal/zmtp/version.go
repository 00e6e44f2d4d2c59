package zmtp

import (
	"encoding/binary"
	"fmt"
)

// Telling a peer's ZMTP version from the first bytes of its greeting, as
// RFC 15 "Backwards Interoperability" describes it and libzmq 4.3's
// zmtp_engine does it: every version's greeting starts so that an older
// peer can read it, and each side learns the other's version a few bytes
// in, before it must commit to the rest of its own greeting.

// SignatureLen is the length of the signature that opens a ZMTP 2.0 or 3.x
// greeting: 0xFF, 8 bytes of padding, 0x7F.
const SignatureLen = 10

// V2GreetingSize is the length of a ZMTP 2.0 greeting: the signature, the
// revision and the socket-type byte. The identity follows as a frame.
const V2GreetingSize = 12

// Version is the ZMTP version a peer speaks.
type Version int

const (
	// VersionUnknown: too few bytes yet to tell.
	VersionUnknown Version = iota
	// ZMTP10Unversioned is ZMTP 1.0 as libzmq 2.x speaks it (RFC 13): no
	// greeting at all, the connection opens with the peer's identity frame.
	ZMTP10Unversioned
	// ZMTP10 is ZMTP 1.0 framing after a ZMTP 2.0 greeting of revision 0,
	// which libzmq 4.3 and JeroMQ 0.3 also answer with ZMTP 1.0 framing.
	ZMTP10
	// ZMTP20 is RFC 15: JeroMQ 0.3, libzmq 3.x.
	ZMTP20
	// ZMTP3 is ZMTP 3.0 or 3.1 (RFC 23, 37); the minor version comes in
	// the rest of the greeting.
	ZMTP3
)

// Major is the version's major number: 1, 2 or 3 (0 when unknown).
func (v Version) Major() int {
	switch v {
	case ZMTP10Unversioned, ZMTP10:
		return 1
	case ZMTP20:
		return 2
	case ZMTP3:
		return 3
	}
	return 0
}

func (v Version) String() string {
	switch v {
	case ZMTP10Unversioned:
		return "ZMTP 1.0 (unversioned)"
	case ZMTP10:
		return "ZMTP 1.0"
	case ZMTP20:
		return "ZMTP 2.0"
	case ZMTP3:
		return "ZMTP 3.x"
	}
	return "unknown ZMTP version"
}

// Framing is the frame layout the version uses after the greeting.
func (v Version) Framing() Framing {
	switch v {
	case ZMTP10Unversioned, ZMTP10:
		return FramingV1
	case ZMTP20:
		return FramingV2
	}
	return FramingV3
}

// AppendSignature appends the signature a greeting opens with when the peer
// may be older than ZMTP 3.0: RFC 15 puts in the padding the length of an
// identity frame of identitySize bytes in ZMTP 1.0's long form, and a ZMTP
// 1.0 peer reads the whole signature as the header of that frame (0x7F
// being its flags), so the identity's body is all that is left to send it.
// ZMTP 2.0 and later peers ignore the padding.
func AppendSignature(dst []byte, identitySize int) []byte {
	dst = append(dst, 0xFF)
	dst = binary.BigEndian.AppendUint64(dst, uint64(identitySize)+1)
	return append(dst, 0x7F)
}

// PeerVersion tells the version of a peer from b, the start of what it sent.
// While it cannot tell yet it returns VersionUnknown and how many bytes it
// needs (never more than 11): 1 to see whether the peer sent a signature at
// all, 10 to see the signature's last byte, 11 to read the revision. The
// caller sends its own major version once the peer's signature is in (when
// 11 are asked for), as libzmq does, so each side learns the other's version
// before it sends the part of the greeting that differs between versions.
func PeerVersion(b []byte) (v Version, need int, err error) {
	if len(b) < 1 {
		return VersionUnknown, 1, nil
	}
	if b[0] != 0xFF {
		// A ZMTP 1.0 identity frame's short length: no signature.
		return ZMTP10Unversioned, 0, nil
	}
	if len(b) < SignatureLen {
		return VersionUnknown, SignatureLen, nil
	}
	if b[9]&0x01 == 0 {
		// The flags of a ZMTP 1.0 identity frame of long form (0, RFC 13),
		// where a signature has 0x7F.
		return ZMTP10Unversioned, 0, nil
	}
	if b[9] != 0x7F {
		// libzmq goes on with any odd byte here; no ZMTP sends one, so a
		// stranger's bytes are refused now rather than read as a greeting.
		return VersionUnknown, 0, fmt.Errorf("%w: not a ZMTP peer", ErrProtocol)
	}
	if len(b) < SignatureLen+1 {
		return VersionUnknown, SignatureLen + 1, nil
	}
	switch revision := b[SignatureLen]; {
	case revision == 0:
		return ZMTP10, 0, nil
	case revision == 1:
		return ZMTP20, 0, nil
	case revision >= 3:
		// RFC 23: a newer peer steps down to our version.
		return ZMTP3, 0, nil
	default:
		return VersionUnknown, 0, fmt.Errorf("%w: unknown ZMTP revision %d", ErrProtocol, revision)
	}
}

// v2SocketTypes are the socket-type bytes of a ZMTP 2.0 greeting, numbered
// as libzmq numbers its socket types. RFC 15 lists PAIR to PUSH (0 to 8);
// libzmq 3.x and 4.x also send 9 for XPUB and 10 for XSUB.
var v2SocketTypes = [...]string{"PAIR", "PUB", "SUB", "REQ", "REP", "DEALER", "ROUTER", "PULL", "PUSH", "XPUB", "XSUB"}

// SocketTypeByte is the socket-type byte this side sends in a ZMTP 2.0
// greeting. XPUB and XSUB go as PUB and SUB, as RFC 15 says they are on the
// wire (libzmq sends 9 and 10, which RFC 15 has no name for). ok is false for
// types ZMTP 2.0 has no byte for (STREAM and the draft types).
func SocketTypeByte(name string) (b byte, ok bool) {
	switch name {
	case "XPUB":
		name = "PUB"
	case "XSUB":
		name = "SUB"
	}
	for i, n := range v2SocketTypes[:9] {
		if n == name {
			return byte(i), true
		}
	}
	return 0, false
}

// SocketTypeOfByte names the socket type a ZMTP 2.0 greeting's byte gives.
func SocketTypeOfByte(b byte) (name string, ok bool) {
	if int(b) >= len(v2SocketTypes) {
		return "", false
	}
	return v2SocketTypes[b], true
}
