package zmtp

import (
	"encoding/binary"
	"fmt"
)

// Framing is how one version of the wire delimits frames: the header before
// each frame's body. The engine reads and writes every frame through the
// Framing chosen once the greeting has told the peer's version, so a wire
// with a different header (ZMTP 1.0 and 2.0 here) needs nothing else of it.
type Framing interface {
	// ParseHeader decodes the header at the start of b: the frame's flags
	// (FlagMore, FlagCommand where the version has commands, FlagLong as
	// sent where it has that bit; reserved bits cleared), its body's size
	// and the header's length n. n == 0 with a nil error means b holds too
	// few bytes yet. A malformed header, or a size over the int64 range, is
	// an error wrapping ErrProtocol.
	ParseHeader(b []byte) (flags byte, size uint64, n int, err error)
	// AppendHeader appends the header of a frame of size bytes with the
	// given flags (FlagMore, FlagCommand); flags the version cannot carry
	// are dropped.
	AppendHeader(dst []byte, flags byte, size int) []byte
	// MaxHeader is the length of the longest header.
	MaxHeader() int
}

var (
	// FramingV3 is ZMTP 3.0 and 3.1's framing (RFC 23, 37): ParseFrameHeader
	// and AppendFrameHeader.
	FramingV3 Framing = v3Framing{}
	// FramingV2 is ZMTP 2.0's (RFC 15): ZMTP 3's without commands.
	FramingV2 Framing = v2Framing{}
	// FramingV1 is ZMTP 1.0's (RFC 13): a length that counts the flags
	// byte, then the flags, then the body.
	FramingV1 Framing = v1Framing{}
)

type v3Framing struct{}

func (v3Framing) ParseHeader(b []byte) (byte, uint64, int, error) { return ParseFrameHeader(b) }
func (v3Framing) AppendHeader(dst []byte, flags byte, size int) []byte {
	return AppendFrameHeader(dst, flags, size)
}
func (v3Framing) MaxHeader() int { return MaxFrameHeader }

type v2Framing struct{}

// ParseHeader reads a ZMTP 3 header and clears bit 2: in ZMTP 2.0 it is
// reserved, not COMMAND, and reserved bits are ignored here as libzmq's
// decoder ignores them (RFC 15 says they MUST be zero; a peer that sets one
// still talks to us). A ZMTP 2.0 peer cannot send us a command.
func (v2Framing) ParseHeader(b []byte) (byte, uint64, int, error) {
	flags, size, n, err := ParseFrameHeader(b)
	return flags &^ FlagCommand, size, n, err
}

func (v2Framing) AppendHeader(dst []byte, flags byte, size int) []byte {
	return AppendFrameHeader(dst, flags&^FlagCommand, size)
}

func (v2Framing) MaxHeader() int { return MaxFrameHeader }

type v1Framing struct{}

// v1LongHeader is the long form's length: 0xFF, 8 bytes of length, flags.
const v1LongHeader = 10

// ParseHeader keeps only MORE of the flags: RFC 13 reserves bits 1 to 7,
// and libzmq keeps only MORE too. A length of 0 (no room for the flags byte)
// ends the connection as in libzmq, where RFC 13 would skip the byte: only
// garbage starts so, and reading on would be reading garbage.
func (v1Framing) ParseHeader(b []byte) (byte, uint64, int, error) {
	if len(b) < 2 {
		return 0, 0, 0, nil
	}
	if b[0] != 0xFF {
		if b[0] == 0 {
			return 0, 0, 0, fmt.Errorf("%w: ZMTP 1.0 frame of length 0", ErrProtocol)
		}
		return b[1] & FlagMore, uint64(b[0]) - 1, 2, nil
	}
	if len(b) < v1LongHeader {
		return 0, 0, 0, nil
	}
	length := binary.BigEndian.Uint64(b[1:9])
	switch {
	case length == 0:
		return 0, 0, 0, fmt.Errorf("%w: ZMTP 1.0 frame of length 0", ErrProtocol)
	case length-1 > 1<<63-1:
		return 0, 0, 0, fmt.Errorf("%w: frame size %d exceeds int64", ErrProtocol, length-1)
	}
	return b[9] & FlagMore, length - 1, v1LongHeader, nil
}

// AppendHeader uses the short form for lengths (body plus flags) up to 254,
// as RFC 13 asks and libzmq does.
func (v1Framing) AppendHeader(dst []byte, flags byte, size int) []byte {
	if size < 0 {
		panic("zmtp: negative frame size")
	}
	flags &= FlagMore
	if size+1 < 0xFF {
		return append(dst, byte(size+1), flags)
	}
	dst = append(dst, 0xFF)
	dst = binary.BigEndian.AppendUint64(dst, uint64(size)+1)
	return append(dst, flags)
}

func (v1Framing) MaxHeader() int { return v1LongHeader }
