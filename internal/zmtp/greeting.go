package zmtp

import "fmt"

// GreetingSize is the length of a ZMTP 3.x greeting.
const GreetingSize = 64

// SignatureSize is how many greeting bytes CheckSignature needs: the
// signature (SignatureLen bytes) and the major version.
const SignatureSize = 11

const (
	mechanismOffset = 12
	mechanismSize   = 20
	asServerOffset  = 32
)

// Greeting is the part of a greeting that varies between peers.
type Greeting struct {
	Major, Minor byte
	Mechanism    string
	AsServer     bool
}

// Append appends the 64-byte greeting. A mechanism name over 20 bytes is
// cut to 20; the names in use are at most 5 bytes.
func (g Greeting) Append(dst []byte) []byte {
	dst = append(dst, 0xFF, 0, 0, 0, 0, 0, 0, 0, 0, 0x7F, g.Major, g.Minor)
	var mech [mechanismSize]byte
	copy(mech[:], g.Mechanism)
	dst = append(dst, mech[:]...)
	asServer := byte(0)
	if g.AsServer {
		asServer = 1
	}
	dst = append(dst, asServer)
	var filler [GreetingSize - asServerOffset - 1]byte
	return append(dst, filler[:]...)
}

// CheckSignature checks the first SignatureSize bytes of a ZMTP 3.x
// greeting: the signature and a major version of 3 or more. The 8 padding
// bytes are not checked: RFC 23 makes them insignificant (ZMTP 1.0 put a
// length there, and RFC 15 peers still do). The engine tells older peers
// apart before this, with PeerVersion.
func CheckSignature(b []byte) (major byte, err error) {
	if len(b) < SignatureSize {
		return 0, fmt.Errorf("%w: greeting truncated (%d bytes)", ErrProtocol, len(b))
	}
	if b[0] != 0xFF || b[9] != 0x7F {
		return 0, fmt.Errorf("%w: not a ZMTP peer", ErrProtocol)
	}
	if b[10] < 3 {
		return 0, fmt.Errorf("%w: not a ZMTP 3 greeting (version %d)", ErrProtocol, b[10])
	}
	return b[10], nil
}

// ParseGreeting decodes a whole greeting. Any minor version is accepted
// (3.0 peers differ only in how they subscribe) and so is any major version
// of 3 or more, since RFC 23 has the newer peer step down. The filler is
// ignored so a future revision may use it.
func ParseGreeting(b []byte) (Greeting, error) {
	if len(b) < GreetingSize {
		return Greeting{}, fmt.Errorf("%w: greeting truncated (%d bytes)", ErrProtocol, len(b))
	}
	major, err := CheckSignature(b)
	if err != nil {
		return Greeting{}, err
	}
	mech, err := parseMechanismName(b[mechanismOffset : mechanismOffset+mechanismSize])
	if err != nil {
		return Greeting{}, err
	}
	g := Greeting{Major: major, Minor: b[11], Mechanism: mech}
	switch b[asServerOffset] {
	case 0:
	case 1:
		g.AsServer = true
	default:
		return Greeting{}, fmt.Errorf("%w: greeting as-server byte %#x", ErrProtocol, b[asServerOffset])
	}
	return g, nil
}

// parseMechanismName reads the 20-byte, NUL-padded mechanism field.
func parseMechanismName(field []byte) (string, error) {
	n := 0
	for n < len(field) && isMechanismChar(field[n]) {
		n++
	}
	if n == 0 {
		return "", fmt.Errorf("%w: greeting without mechanism name", ErrProtocol)
	}
	for _, c := range field[n:] {
		if c != 0 {
			return "", fmt.Errorf("%w: bad character %#x in greeting mechanism", ErrProtocol, c)
		}
	}
	return string(field[:n]), nil
}

func isMechanismChar(c byte) bool {
	switch {
	case 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	return c == '-' || c == '_' || c == '.' || c == '+'
}
