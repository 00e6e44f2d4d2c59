package zmtp

import (
	"bytes"
	"errors"
	"testing"
)

func TestAppendFrame(t *testing.T) {
	long256 := bytes.Repeat([]byte{'x'}, 256)
	tests := []struct {
		name  string
		flags byte
		body  []byte
		want  []byte
	}{
		{"empty", 0, nil, []byte{0x00, 0x00}},
		{"more", FlagMore, []byte("hello"), append([]byte{0x01, 0x05}, "hello"...)},
		{"command", FlagCommand, []byte("x"), []byte{0x04, 0x01, 'x'}},
		{"long flag ignored for short body", FlagLong | FlagMore, []byte("x"), []byte{0x01, 0x01, 'x'}},
		{"reserved bits dropped", 0xF8, nil, []byte{0x00, 0x00}},
		{"255 is short", 0, bytes.Repeat([]byte{'x'}, 255),
			append([]byte{0x00, 0xFF}, bytes.Repeat([]byte{'x'}, 255)...)},
		{"256 is long", FlagMore, long256,
			append([]byte{0x03, 0, 0, 0, 0, 0, 0, 0x01, 0x00}, long256...)},
		{"long command", FlagCommand, long256,
			append([]byte{0x06, 0, 0, 0, 0, 0, 0, 0x01, 0x00}, long256...)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := AppendFrame([]byte{0xAA}, tt.flags, tt.body)
			if got[0] != 0xAA || !bytes.Equal(got[1:], tt.want) {
				t.Fatalf("AppendFrame = % x\nwant          % x", got[1:], tt.want)
			}
		})
	}
}

func TestAppendFrameHeaderNegativePanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("no panic")
		}
	}()
	AppendFrameHeader(nil, 0, -1)
}

func TestParseFrameHeader(t *testing.T) {
	tests := []struct {
		name  string
		in    []byte
		flags byte
		size  uint64
		n     int
	}{
		{"short empty", []byte{0x00, 0x00}, 0, 0, 2},
		{"short more", []byte{0x01, 0x05, 'h'}, FlagMore, 5, 2},
		{"short 255", []byte{0x04, 0xFF}, FlagCommand, 255, 2},
		{"long", []byte{0x02, 0, 0, 0, 0, 0, 0, 0x01, 0x00}, FlagLong, 256, 9},
		{"long with small size", []byte{0x03, 0, 0, 0, 0, 0, 0, 0, 0x05}, FlagLong | FlagMore, 5, 9},
		{"long max", []byte{0x06, 0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF}, FlagLong | FlagCommand, 1<<63 - 1, 9},
		{"reserved bits ignored", []byte{0xF9, 0x03}, FlagMore, 3, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			flags, size, n, err := ParseFrameHeader(tt.in)
			if err != nil || flags != tt.flags || size != tt.size || n != tt.n {
				t.Fatalf("got (%#x, %d, %d, %v), want (%#x, %d, %d, nil)", flags, size, n, err, tt.flags, tt.size, tt.n)
			}
			for i := 0; i < tt.n; i++ {
				if _, _, n, err := ParseFrameHeader(tt.in[:i]); n != 0 || err != nil {
					t.Fatalf("prefix %d: n=%d err=%v, want need-more", i, n, err)
				}
			}
		})
	}
}

func TestParseFrameHeaderOversize(t *testing.T) {
	in := []byte{0x02, 0x80, 0, 0, 0, 0, 0, 0, 0}
	if _, _, n, err := ParseFrameHeader(in); !errors.Is(err, ErrProtocol) || n != 0 {
		t.Fatalf("n=%d err=%v, want ErrProtocol", n, err)
	}
}

func TestFrameRoundTrip(t *testing.T) {
	for _, size := range []int{0, 1, 254, 255, 256, 257, 65536} {
		for _, flags := range []byte{0, FlagMore, FlagCommand, FlagMore | FlagCommand} {
			body := bytes.Repeat([]byte{0x5A}, size)
			wire := AppendFrame(nil, flags, body)
			gotFlags, gotSize, n, err := ParseFrameHeader(wire)
			if err != nil || gotFlags&^FlagLong != flags || gotSize != uint64(size) {
				t.Fatalf("size %d flags %#x: got (%#x, %d, %v)", size, flags, gotFlags, gotSize, err)
			}
			if (gotFlags&FlagLong != 0) != (size > 255) {
				t.Fatalf("size %d: long flag %v", size, gotFlags&FlagLong != 0)
			}
			if !bytes.Equal(wire[n:], body) {
				t.Fatalf("size %d: body mismatch", size)
			}
		}
	}
}
