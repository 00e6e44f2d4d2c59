package zmtp

import (
	"encoding/binary"
	"fmt"
)

// Flag bits of a frame's first byte (RFC 23/37 "Framing").
const (
	FlagMore    = 0x01
	FlagLong    = 0x02
	FlagCommand = 0x04
)

// MaxFrameHeader is the longest frame header: flags and an 8-byte size.
const MaxFrameHeader = 9

// knownFlags are the bits ZMTP 3.x defines. The rest (bits 3..7) are
// reserved; libzmq's decoder ignores them rather than failing, so a future
// peer that sets one still talks to us, and we do the same.
const knownFlags = FlagMore | FlagLong | FlagCommand

// AppendFrameHeader appends the header of a frame of size bytes. FlagLong in
// flags is ignored: the size alone decides the form, as RFC 37 requires the
// short form for bodies up to 255 bytes.
func AppendFrameHeader(dst []byte, flags byte, size int) []byte {
	if size < 0 {
		panic("zmtp: negative frame size")
	}
	flags &= FlagMore | FlagCommand
	if size <= 255 {
		return append(dst, flags, byte(size))
	}
	dst = append(dst, flags|FlagLong)
	return binary.BigEndian.AppendUint64(dst, uint64(size))
}

// AppendFrame appends a whole frame: header and body.
func AppendFrame(dst []byte, flags byte, body []byte) []byte {
	dst = AppendFrameHeader(dst, flags, len(body))
	return append(dst, body...)
}

// ParseFrameHeader decodes the header at the start of b. It returns the
// flags (reserved bits cleared, FlagLong kept as sent), the body size and the
// header's length n; n == 0 with a nil error means b holds too few bytes yet.
// A long header carrying a small size is accepted because libzmq accepts it.
func ParseFrameHeader(b []byte) (flags byte, size uint64, n int, err error) {
	if len(b) < 2 {
		return 0, 0, 0, nil
	}
	flags = b[0] & knownFlags
	if flags&FlagLong == 0 {
		return flags, uint64(b[1]), 2, nil
	}
	if len(b) < MaxFrameHeader {
		return 0, 0, 0, nil
	}
	size = binary.BigEndian.Uint64(b[1:MaxFrameHeader])
	if size > 1<<63-1 {
		// RFC 37 caps sizes at int64; a larger one can only be garbage.
		return 0, 0, 0, fmt.Errorf("%w: frame size %d exceeds int64", ErrProtocol, size)
	}
	return flags, size, MaxFrameHeader, nil
}
