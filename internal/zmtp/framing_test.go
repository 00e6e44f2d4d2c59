package zmtp

import (
	"bytes"
	"errors"
	"testing"
)

func TestFramingV1(t *testing.T) {
	long := func(length uint64, flags byte) []byte {
		b := []byte{0xFF, 0, 0, 0, 0, 0, 0, 0, 0, flags}
		for i := 0; i < 8; i++ {
			b[8-i] = byte(length >> (8 * i))
		}
		return b
	}
	tests := []struct {
		name    string
		in      []byte
		flags   byte
		size    uint64
		n       int
		wantErr bool
	}{
		{"empty frame", []byte{1, 0}, 0, 0, 2, false},
		{"short with more", []byte{6, 1, 'h', 'e', 'l', 'l', 'o'}, FlagMore, 5, 2, false},
		{"reserved flag bits dropped", []byte{2, 0xFE, 'x'}, 0, 1, 2, false},
		{"largest short", []byte{254, 0}, 0, 253, 2, false},
		{"long", long(300, 1), FlagMore, 299, 10, false},
		{"long form of a small frame", long(3, 0), 0, 2, 10, false},
		{"our signature as an identity header", AppendSignature(nil, 0), FlagMore, 0, 10, false},
		{"one byte", []byte{5}, 0, 0, 0, false},
		{"long, truncated", long(300, 0)[:9], 0, 0, 0, false},
		{"length 0", []byte{0, 0}, 0, 0, 0, true},
		{"long length 0", long(0, 0), 0, 0, 0, true},
		{"size past int64", long(1<<63+1, 0), 0, 0, 0, true},
		{"size at int64's top", long(1<<63, 0), 0, 1<<63 - 1, 10, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			flags, size, n, err := FramingV1.ParseHeader(tt.in)
			if tt.wantErr {
				if !errors.Is(err, ErrProtocol) {
					t.Fatalf("error %v, want ErrProtocol", err)
				}
				return
			}
			if err != nil || flags != tt.flags || size != tt.size || n != tt.n {
				t.Fatalf("got flags %#x size %d n %d %v; want %#x %d %d", flags, size, n, err, tt.flags, tt.size, tt.n)
			}
		})
	}
}

func TestFramingV2(t *testing.T) {
	// RFC 15's grammar: final-short, more-short, final-long, more-long.
	tests := []struct {
		name  string
		in    []byte
		flags byte
		size  uint64
		n     int
	}{
		{"final short", []byte{0x00, 3}, 0, 3, 2},
		{"more short", []byte{0x01, 0}, FlagMore, 0, 2},
		{"final long", []byte{0x02, 0, 0, 0, 0, 0, 0, 1, 0}, FlagLong, 256, 9},
		{"more long", []byte{0x03, 0, 0, 0, 0, 0, 0, 1, 0}, FlagMore | FlagLong, 256, 9},
		// Bit 2 is reserved in ZMTP 2.0, not COMMAND: ignored.
		{"bit 2 is no command", []byte{0x04, 4}, 0, 4, 2},
		{"truncated long", []byte{0x02, 0, 0}, 0, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			flags, size, n, err := FramingV2.ParseHeader(tt.in)
			if err != nil || flags != tt.flags || size != tt.size || n != tt.n {
				t.Fatalf("got flags %#x size %d n %d %v; want %#x %d %d", flags, size, n, err, tt.flags, tt.size, tt.n)
			}
		})
	}
	if _, _, _, err := FramingV2.ParseHeader([]byte{0x02, 0x80, 0, 0, 0, 0, 0, 0, 0}); !errors.Is(err, ErrProtocol) {
		t.Fatalf("a size past int64: %v", err)
	}
}

// Every framing writes headers it reads back as written: sizes across each
// one's short/long boundary, MORE kept, COMMAND only where there are
// commands.
func TestFramingRoundTrip(t *testing.T) {
	framings := []struct {
		name     string
		f        Framing
		commands bool
		longAt   int // smallest size written in the long form
	}{
		{"v1", FramingV1, false, 254},
		{"v2", FramingV2, false, 256},
		{"v3", FramingV3, true, 256},
	}
	for _, fr := range framings {
		for _, size := range []int{0, 1, 253, 254, 255, 256, 70000} {
			for _, flags := range []byte{0, FlagMore, FlagCommand, FlagMore | FlagCommand} {
				hdr := fr.f.AppendHeader([]byte("x"), flags, size)[1:]
				if len(hdr) > fr.f.MaxHeader() {
					t.Fatalf("%s: header of %d bytes, max %d", fr.name, len(hdr), fr.f.MaxHeader())
				}
				if isLong := len(hdr) > 2; isLong != (size >= fr.longAt) {
					t.Fatalf("%s: size %d written in %d bytes", fr.name, size, len(hdr))
				}
				gotFlags, gotSize, n, err := fr.f.ParseHeader(hdr)
				want := flags & FlagMore
				if fr.commands {
					want = flags
				}
				if err != nil || n != len(hdr) || gotSize != uint64(size) || gotFlags&^FlagLong != want {
					t.Fatalf("%s: flags %#x size %d: read back flags %#x size %d n %d %v (% x)",
						fr.name, flags, size, gotFlags, gotSize, n, err, hdr)
				}
			}
		}
	}
}

// A ZMTP 1.0 peer's identity, written as our signature declares it: the
// signature then the body read back as one frame.
func TestFramingV1ReadsSignatureAsIdentity(t *testing.T) {
	stream := append(AppendSignature(nil, 3), "abc"...)
	_, size, n, err := FramingV1.ParseHeader(stream)
	if err != nil || !bytes.Equal(stream[n:n+int(size)], []byte("abc")) {
		t.Fatalf("identity read back as % x (%v)", stream[n:], err)
	}
}
