package zmtp

import (
	"encoding/binary"
	"fmt"
)

// AppendMetadata appends m in RFC 37 property form: a 1-byte name length,
// the name, a 4-byte big-endian value length, the value.
//
// Property names are chosen by the program, not by peers, so a name that is
// empty or longer than 255 bytes, or a value of 4 GiB or more, is a bug in
// the caller and panics rather than going on the wire malformed.
func AppendMetadata(dst []byte, m Metadata) []byte {
	for _, p := range m {
		if len(p.Name) == 0 || len(p.Name) > 255 {
			panic(fmt.Sprintf("zmtp: metadata name %q: length must be 1..255", p.Name))
		}
		if uint64(len(p.Value)) > 1<<32-1 {
			panic("zmtp: metadata value of " + p.Name + " longer than 4 GiB")
		}
		dst = append(dst, byte(len(p.Name)))
		dst = append(dst, p.Name...)
		dst = binary.BigEndian.AppendUint32(dst, uint32(len(p.Value)))
		dst = append(dst, p.Value...)
	}
	return dst
}

// ParseMetadata decodes a property list that fills all of b. Empty input is
// an empty list. The whole input is checked before anything is allocated so
// a hostile length cannot make us reserve memory.
func ParseMetadata(b []byte) (Metadata, error) {
	count, err := countProperties(b)
	if err != nil || count == 0 {
		return nil, err
	}
	m := make(Metadata, 0, count)
	for len(b) > 0 {
		nameLen := int(b[0])
		name := b[1 : 1+nameLen]
		b = b[1+nameLen:]
		valueLen := int(binary.BigEndian.Uint32(b))
		m = append(m, Property{Name: string(name), Value: string(b[4 : 4+valueLen])})
		b = b[4+valueLen:]
	}
	return m, nil
}

// countProperties validates b's layout and reports how many properties it
// holds.
func countProperties(b []byte) (int, error) {
	count := 0
	for len(b) > 0 {
		nameLen := int(b[0])
		if nameLen == 0 {
			return 0, metadataError(count, "empty property name")
		}
		if len(b) < 1+nameLen+4 {
			return 0, metadataError(count, "truncated property name or value length")
		}
		b = b[1+nameLen:]
		valueLen := binary.BigEndian.Uint32(b)
		b = b[4:]
		if uint64(valueLen) > uint64(len(b)) {
			return 0, metadataError(count, fmt.Sprintf("value length %d past the end (%d bytes left)", valueLen, len(b)))
		}
		b = b[valueLen:]
		count++
	}
	return count, nil
}

func metadataError(index int, reason string) error {
	return fmt.Errorf("%w: metadata property %d: %s", ErrProtocol, index, reason)
}
