package z85

import (
	"bytes"
	"errors"
	"testing"
)

func TestRoundTrip(t *testing.T) {
	tests := []struct {
		name string
		bin  []byte
		text string
	}{
		{"empty", []byte{}, ""},
		{"rfc32 vector", []byte{0x86, 0x4F, 0xD2, 0x6F, 0xB5, 0x59, 0xF7, 0x5B}, "HelloWorld"},
		{"zero group", []byte{0, 0, 0, 0}, "00000"},
		{"max group", []byte{0xFF, 0xFF, 0xFF, 0xFF}, "%nSc0"},
		// A CURVE key pair from libzmq's documentation (zmq_curve(7)).
		{"curve public key", []byte{
			0xBB, 0x88, 0x47, 0x1D, 0x65, 0xE2, 0x65, 0x9B, 0x30, 0xC5, 0x5A, 0x53, 0x21, 0xCE, 0xBB, 0x5A,
			0xAB, 0x2B, 0x70, 0xA3, 0x98, 0x64, 0x5C, 0x26, 0xDC, 0xA2, 0xB2, 0xFC, 0xB4, 0x3F, 0xC5, 0x18,
		}, "Yne@$w-vo<fVvi]a<NY6T1ed:M$fCG*[IaLV{hID"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Encode(tt.bin)
			if err != nil || got != tt.text {
				t.Fatalf("Encode = %q, %v; want %q", got, err, tt.text)
			}
			back, err := Decode(tt.text)
			if err != nil || !bytes.Equal(back, tt.bin) {
				t.Fatalf("Decode = %x, %v; want %x", back, err, tt.bin)
			}
		})
	}
}

func TestErrors(t *testing.T) {
	encodeTests := []struct {
		name string
		in   []byte
	}{
		{"one byte", []byte{1}},
		{"five bytes", []byte{1, 2, 3, 4, 5}},
	}
	for _, tt := range encodeTests {
		t.Run("encode "+tt.name, func(t *testing.T) {
			if _, err := Encode(tt.in); !errors.Is(err, ErrLength) {
				t.Fatalf("err = %v, want ErrLength", err)
			}
		})
	}
	decodeTests := []struct {
		name string
		in   string
		want error
	}{
		{"short", "Hell", ErrLength},
		{"long", "HelloWorld!", ErrLength},
		{"space", "Hello Worl", ErrInvalid},
		{"quote", "\"ello", ErrInvalid},
		{"comma", "Hel,o", ErrInvalid},
		{"high byte", "Hell\xff", ErrInvalid},
		{"nul", "Hell\x00", ErrInvalid},
		{"just past 2^32", "%nSc1", ErrInvalid},
		{"largest digits", "#####", ErrInvalid},
	}
	for _, tt := range decodeTests {
		t.Run("decode "+tt.name, func(t *testing.T) {
			if _, err := Decode(tt.in); !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
		})
	}
}

func FuzzDecode(f *testing.F) {
	for _, s := range []string{"", "HelloWorld", "%nSc0", "%nSc1", "#####", "Hell\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		b, err := Decode(s)
		if err != nil {
			return
		}
		if len(b) != len(s)/5*4 {
			t.Fatalf("decoded %d bytes from %d characters", len(b), len(s))
		}
		back, err := Encode(b)
		if err != nil || back != s {
			t.Fatalf("re-encode = %q, %v; want %q", back, err, s)
		}
	})
}

func FuzzEncode(f *testing.F) {
	f.Add([]byte{0x86, 0x4F, 0xD2, 0x6F, 0xB5, 0x59, 0xF7, 0x5B})
	f.Add([]byte{0xFF, 0xFF, 0xFF, 0xFF})
	f.Fuzz(func(t *testing.T, b []byte) {
		b = b[:len(b)/4*4]
		s, err := Encode(b)
		if err != nil {
			t.Fatal(err)
		}
		back, err := Decode(s)
		if err != nil || !bytes.Equal(back, b) {
			t.Fatalf("Decode(Encode(%x)) = %x, %v", b, back, err)
		}
	})
}
