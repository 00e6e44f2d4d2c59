// Package z85 implements the Z85 encoding of ZeroMQ RFC 32, the text form
// CURVE keys take in configuration files and on command lines.
package z85

import (
	"errors"
	"fmt"
)

const alphabet = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#"

// ErrLength reports input whose length Z85 cannot represent: binary input
// must come in 4-byte groups and text in 5-character groups.
var ErrLength = errors.New("z85: bad length")

// ErrInvalid reports text that is not Z85: a character outside the alphabet
// or a group whose value does not fit in 32 bits.
var ErrInvalid = errors.New("z85: invalid input")

// decodeTable maps a byte to its digit value plus one, so that zero marks
// bytes outside the alphabet.
var decodeTable = func() (t [256]byte) {
	for i := 0; i < len(alphabet); i++ {
		t[alphabet[i]] = byte(i + 1)
	}
	return t
}()

// Encode returns the Z85 text of src, whose length must be a multiple of 4.
func Encode(src []byte) (string, error) {
	if len(src)%4 != 0 {
		return "", fmt.Errorf("%w: %d bytes is not a multiple of 4", ErrLength, len(src))
	}
	dst := make([]byte, 0, len(src)/4*5)
	for i := 0; i < len(src); i += 4 {
		v := uint32(src[i])<<24 | uint32(src[i+1])<<16 | uint32(src[i+2])<<8 | uint32(src[i+3])
		var group [5]byte
		for j := 4; j >= 0; j-- {
			group[j] = alphabet[v%85]
			v /= 85
		}
		dst = append(dst, group[:]...)
	}
	return string(dst), nil
}

// Decode returns the bytes that the Z85 text s stands for; its length must be
// a multiple of 5.
func Decode(s string) ([]byte, error) {
	if len(s)%5 != 0 {
		return nil, fmt.Errorf("%w: %d characters is not a multiple of 5", ErrLength, len(s))
	}
	dst := make([]byte, 0, len(s)/5*4)
	for i := 0; i < len(s); i += 5 {
		// Five base-85 digits reach 85^5-1 > 2^32-1, so the sum is kept in 64
		// bits and groups past 2^32 are refused rather than wrapped.
		var v uint64
		for j := 0; j < 5; j++ {
			d := decodeTable[s[i+j]]
			if d == 0 {
				return nil, fmt.Errorf("%w: character at offset %d", ErrInvalid, i+j)
			}
			v = v*85 + uint64(d-1)
		}
		if v > 0xFFFFFFFF {
			return nil, fmt.Errorf("%w: group at offset %d exceeds 32 bits", ErrInvalid, i)
		}
		dst = append(dst, byte(v>>24), byte(v>>16), byte(v>>8), byte(v))
	}
	return dst, nil
}
