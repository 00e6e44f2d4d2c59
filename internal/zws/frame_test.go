package zws

import (
	"bytes"
	"errors"
	"testing"

	"github.com/purezmq/zmq/internal/zmtp"
)

func TestHeaderRoundTrip(t *testing.T) {
	for _, size := range []int{0, 1, 125, 126, 127, 0xffff, 0x10000, 1 << 20} {
		for _, masked := range []bool{false, true} {
			for _, op := range []byte{OpBinary, OpContinuation} {
				for _, fin := range []bool{true, false} {
					b := AppendHeader(nil, fin, op, size, masked, 0x04030201)
					h, n, err := ParseHeader(b)
					if err != nil || n != len(b) {
						t.Fatalf("size %d masked %v: n %d of %d, err %v", size, masked, n, len(b), err)
					}
					want := Header{Fin: fin, Op: op, Masked: masked, Size: uint64(size)}
					if masked {
						want.Key = 0x04030201
					}
					if h != want {
						t.Fatalf("parsed %+v, want %+v", h, want)
					}
					for i := range b {
						if _, n, err := ParseHeader(b[:i]); n != 0 || err != nil {
							t.Fatalf("%d of %d bytes: n %d err %v, want more needed", i, len(b), n, err)
						}
					}
				}
			}
		}
	}
}

func TestHeaderWireForm(t *testing.T) {
	// RFC 6455 section 5.7: a masked "Hello" from a client.
	b := []byte{0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58}
	h, n, err := ParseHeader(b)
	if err != nil || n != 6 || !h.Fin || h.Op != OpText || !h.Masked || h.Size != 5 {
		t.Fatalf("got %+v n %d err %v", h, n, err)
	}
	payload := append([]byte(nil), b[n:]...)
	Mask(payload, h.Key, 0)
	if string(payload) != "Hello" {
		t.Fatalf("unmasked %q", payload)
	}
	if got := AppendHeader(nil, true, OpText, 5, true, h.Key); !bytes.Equal(got, b[:6]) {
		t.Fatalf("AppendHeader % x, want % x", got, b[:6])
	}
	// A 256-byte unmasked binary message uses the 16-bit length.
	if got := AppendHeader(nil, true, OpBinary, 256, false, 0); !bytes.Equal(got, []byte{0x82, 0x7e, 0x01, 0x00}) {
		t.Fatalf("AppendHeader % x", got)
	}
}

func TestParseHeaderRefuses(t *testing.T) {
	tests := []struct {
		name string
		b    []byte
	}{
		{"reserved bit", []byte{0x82 | 0x40, 0x01}},
		{"unknown data opcode", []byte{0x83, 0x00}},
		{"unknown control opcode", []byte{0x8b, 0x00}},
		{"fragmented ping", []byte{OpPing, 0x00}},
		{"long close", []byte{0x80 | OpClose, 126, 0, 126}},
		{"length beyond int64", []byte{0x82, 127, 0x80, 0, 0, 0, 0, 0, 0, 0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, _, err := ParseHeader(tt.b); !errors.Is(err, zmtp.ErrProtocol) {
				t.Fatalf("err %v, want ErrProtocol", err)
			}
		})
	}
}

func TestMaskMatchesDefinition(t *testing.T) {
	key := uint32(0xa1b2c3d4)
	keyBytes := []byte{0xd4, 0xc3, 0xb2, 0xa1}
	for _, n := range []int{0, 1, 3, 7, 8, 9, 31, 32, 33, 100, 1000} {
		for pos := 0; pos < 6; pos++ {
			b := make([]byte, n)
			for i := range b {
				b[i] = byte(i * 7)
			}
			want := make([]byte, n)
			for i := range want {
				want[i] = b[i] ^ keyBytes[(pos+i)%4]
			}
			if end := Mask(b, key, pos); end != pos+n {
				t.Fatalf("Mask returned %d, want %d", end, pos+n)
			}
			if !bytes.Equal(b, want) {
				t.Fatalf("n %d pos %d: % x, want % x", n, pos, b, want)
			}
		}
	}
}

func TestMaskInPieces(t *testing.T) {
	whole := bytes.Repeat([]byte("zeromq over websocket "), 10)
	pieces := append([]byte(nil), whole...)
	Mask(whole, 0x12345678, 0)
	pos := 0
	for _, cut := range []int{1, 5, 8, 13, 100, len(pieces)} {
		pos = Mask(pieces[pos:cut], 0x12345678, pos)
	}
	if !bytes.Equal(whole, pieces) {
		t.Fatal("masking in pieces differs from masking at once")
	}
}

func TestFlags(t *testing.T) {
	for _, f := range []byte{0, zmtp.FlagMore, zmtp.FlagCommand, zmtp.FlagMore | zmtp.FlagCommand} {
		if got := ToZMTP(FromZMTP(f)); got != f {
			t.Fatalf("ZMTP flags %#x came back %#x", f, got)
		}
	}
	if FromZMTP(zmtp.FlagCommand) != FlagCommand || FromZMTP(zmtp.FlagMore) != FlagMore {
		t.Fatal("ZWS flag values differ from RFC 45")
	}
}

func TestAppendClose(t *testing.T) {
	got := AppendClose(nil, CloseNormal, "bye")
	if !bytes.Equal(got, []byte{0x03, 0xe8, 'b', 'y', 'e'}) {
		t.Fatalf("% x", got)
	}
	if long := AppendClose(nil, CloseProtocol, string(make([]byte, 300))); len(long) != MaxControl {
		t.Fatalf("close payload of %d bytes, want %d", len(long), MaxControl)
	}
}

func FuzzParseHeader(f *testing.F) {
	f.Add([]byte{0x82, 0x05})
	f.Add(AppendHeader(nil, true, OpBinary, 70000, true, 1))
	f.Add(AppendHeader(nil, false, OpContinuation, 126, false, 0))
	f.Add([]byte{0x89, 0x80, 1, 2, 3, 4})
	f.Fuzz(func(t *testing.T, b []byte) {
		h, n, err := ParseHeader(b)
		if err != nil || n == 0 {
			return
		}
		if n > MaxHeader || n > len(b) {
			t.Fatalf("header of %d bytes from %d", n, len(b))
		}
		if IsControl(h.Op) && (h.Size > MaxControl || !h.Fin) {
			t.Fatalf("control frame accepted: %+v", h)
		}
		// What parses, re-encodes to a header that parses the same.
		again, m, err := ParseHeader(AppendHeader(nil, h.Fin, h.Op, int(h.Size), h.Masked, h.Key))
		if err != nil || m == 0 || again != h {
			t.Fatalf("%+v re-encoded as %+v (n %d, err %v)", h, again, m, err)
		}
	})
}
