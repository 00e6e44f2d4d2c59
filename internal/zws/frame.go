// Package zws is the wire of ZWS 2.0 (RFC 45), ZeroMQ over WebSocket: the
// frame layout of RFC 6455 as ZWS uses it, and the HTTP upgrade that opens
// a connection. Like internal/zmtp it works on bytes only: no goroutines and
// no network, so every part of it can be tested and fuzzed alone.
//
// A ZWS frame (a ZeroMQ frame) is one binary WebSocket message whose first
// byte holds the flags (FlagMore, FlagCommand) and the rest the body. There
// is no ZMTP greeting: the security handshake's commands are the first
// messages, and the mechanism is the subprotocol agreed in the upgrade.
package zws

import (
	"encoding/binary"
	"fmt"
	"math/bits"

	"github.com/purezmq/zmq/internal/zmtp"
)

// WebSocket opcodes (RFC 6455 section 5.2).
const (
	OpContinuation = 0x0
	OpText         = 0x1
	OpBinary       = 0x2
	OpClose        = 0x8
	OpPing         = 0x9
	OpPong         = 0xA
)

// Flags of a ZWS frame, its message's first byte (RFC 45 "Framing").
const (
	FlagMore    = 0x01
	FlagCommand = 0x02
)

const (
	// MaxHeader is the longest WebSocket frame header: two bytes, an
	// 8-byte length and a 4-byte masking key.
	MaxHeader = 14
	// MaxControl is the longest payload of a control frame (ping, pong,
	// close).
	MaxControl = 125

	finBit  = 0x80
	rsvBits = 0x70
	maskBit = 0x80
)

// Header is a WebSocket frame header.
type Header struct {
	Fin    bool
	Op     byte
	Masked bool
	// Key is the masking key as it appears on the wire, first byte in the
	// low bits (see Mask).
	Key  uint32
	Size uint64 // payload length
}

// IsControl tells close, ping and pong frames from data frames.
func IsControl(op byte) bool { return op&0x8 != 0 }

// ParseHeader decodes the frame header at the start of b and returns it
// with its length n; n == 0 with a nil error means b holds too few bytes
// yet. It refuses what no extension-free peer may send: reserved bits,
// unknown opcodes, fragmented or oversized control frames, and lengths
// beyond int64. Minimal length encoding is not insisted on, as libzmq does
// not insist on it either.
func ParseHeader(b []byte) (h Header, n int, err error) {
	if len(b) < 2 {
		return Header{}, 0, nil
	}
	b0, b1 := b[0], b[1]
	if b0&rsvBits != 0 {
		return Header{}, 0, fmt.Errorf("%w: WebSocket frame with reserved bits %#x set (no extension was agreed)", zmtp.ErrProtocol, b0&rsvBits)
	}
	h.Fin, h.Op, h.Masked = b0&finBit != 0, b0&0x0f, b1&maskBit != 0
	switch h.Op {
	case OpContinuation, OpText, OpBinary, OpClose, OpPing, OpPong:
	default:
		return Header{}, 0, fmt.Errorf("%w: unknown WebSocket opcode %#x", zmtp.ErrProtocol, h.Op)
	}
	n = 2
	switch size := b1 &^ maskBit; size {
	case 126:
		if len(b) < 4 {
			return Header{}, 0, nil
		}
		h.Size, n = uint64(binary.BigEndian.Uint16(b[2:])), 4
	case 127:
		if len(b) < 10 {
			return Header{}, 0, nil
		}
		h.Size, n = binary.BigEndian.Uint64(b[2:]), 10
		if h.Size > 1<<63-1 {
			return Header{}, 0, fmt.Errorf("%w: WebSocket frame length %d exceeds int64", zmtp.ErrProtocol, h.Size)
		}
	default:
		h.Size = uint64(size)
	}
	if IsControl(h.Op) && (!h.Fin || h.Size > MaxControl) {
		return Header{}, 0, fmt.Errorf("%w: WebSocket control frame fragmented or longer than %d bytes", zmtp.ErrProtocol, MaxControl)
	}
	if h.Masked {
		if len(b) < n+4 {
			return Header{}, 0, nil
		}
		h.Key = binary.LittleEndian.Uint32(b[n:])
		n += 4
	}
	return h, n, nil
}

// AppendHeader appends a frame header for a payload of size bytes, masked
// with key when masked is set.
func AppendHeader(dst []byte, fin bool, op byte, size int, masked bool, key uint32) []byte {
	b0 := op
	if fin {
		b0 |= finBit
	}
	var b1 byte
	if masked {
		b1 = maskBit
	}
	switch {
	case size <= 125:
		dst = append(dst, b0, b1|byte(size))
	case size <= 0xffff:
		dst = append(dst, b0, b1|126, byte(size>>8), byte(size))
	default:
		dst = append(dst, b0, b1|127)
		dst = binary.BigEndian.AppendUint64(dst, uint64(size))
	}
	if masked {
		dst = binary.LittleEndian.AppendUint32(dst, key)
	}
	return dst
}

// Mask XORs b with the masking key as RFC 6455 section 5.3 says, b being
// the payload from byte pos on, and returns the position after b. Masking
// twice unmasks.
func Mask(b []byte, key uint32, pos int) int {
	k := bits.RotateLeft32(key, -8*(pos&3))
	k64 := uint64(k) | uint64(k)<<32
	i := 0
	for ; i+32 <= len(b); i += 32 {
		v := b[i : i+32 : i+32]
		binary.LittleEndian.PutUint64(v, binary.LittleEndian.Uint64(v)^k64)
		binary.LittleEndian.PutUint64(v[8:], binary.LittleEndian.Uint64(v[8:])^k64)
		binary.LittleEndian.PutUint64(v[16:], binary.LittleEndian.Uint64(v[16:])^k64)
		binary.LittleEndian.PutUint64(v[24:], binary.LittleEndian.Uint64(v[24:])^k64)
	}
	for ; i+8 <= len(b); i += 8 {
		binary.LittleEndian.PutUint64(b[i:], binary.LittleEndian.Uint64(b[i:])^k64)
	}
	for ; i < len(b); i++ {
		b[i] ^= byte(k)
		k = bits.RotateLeft32(k, -8)
	}
	return pos + len(b)
}

// ToZMTP turns ZWS flags into the ZMTP flags the rest of the library uses.
func ToZMTP(flags byte) byte {
	return flags&FlagMore | (flags&FlagCommand)<<1
}

// FromZMTP turns ZMTP flags (FlagMore, FlagCommand) into ZWS flags.
func FromZMTP(flags byte) byte {
	return flags&zmtp.FlagMore | (flags&zmtp.FlagCommand)>>1
}

// AppendClose appends a close frame's payload: the status code and reason
// (RFC 6455 section 5.5.1), the reason cut to fit a control frame.
func AppendClose(dst []byte, code uint16, reason string) []byte {
	dst = binary.BigEndian.AppendUint16(dst, code)
	if len(reason) > MaxControl-2 {
		reason = reason[:MaxControl-2]
	}
	return append(dst, reason...)
}

// Close status codes (RFC 6455 section 7.4.1).
const (
	CloseNormal      = 1000
	CloseGoingAway   = 1001
	CloseProtocol    = 1002
	CloseUnsupported = 1003
	CloseTooBig      = 1009
)
