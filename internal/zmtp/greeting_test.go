package zmtp

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

// greetingBytes spells a greeting out by hand, field by field as RFC 23/37
// draw it, so the tests do not lean on Append.
func greetingBytes(major, minor byte, mech string, asServer byte) []byte {
	b := []byte{0xFF, 0, 0, 0, 0, 0, 0, 0, 0, 0x7F, major, minor}
	b = append(b, mech...)
	b = append(b, make([]byte, 20-len(mech))...)
	b = append(b, asServer)
	return append(b, make([]byte, 31)...)
}

func TestGreetingAppend(t *testing.T) {
	tests := []struct {
		name string
		g    Greeting
		want []byte
	}{
		{"NULL client", Greeting{3, 1, "NULL", false}, greetingBytes(3, 1, "NULL", 0)},
		{"PLAIN server", Greeting{3, 1, "PLAIN", true}, greetingBytes(3, 1, "PLAIN", 1)},
		{"CURVE 3.0", Greeting{3, 0, "CURVE", false}, greetingBytes(3, 0, "CURVE", 0)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.g.Append(nil)
			if len(got) != GreetingSize || !bytes.Equal(got, tt.want) {
				t.Fatalf("got  % x\nwant % x", got, tt.want)
			}
			back, err := ParseGreeting(got)
			if err != nil || back != tt.g {
				t.Fatalf("round trip: %+v %v", back, err)
			}
		})
	}
}

// The NULL client greeting written out in full, as the brief gives it.
func TestGreetingNullClientLiteral(t *testing.T) {
	want := []byte{0xFF, 0, 0, 0, 0, 0, 0, 0, 0, 0x7F, 0x03, 0x01, 'N', 'U', 'L', 'L'}
	want = append(want, make([]byte, 16+1+31)...)
	if got := (Greeting{Major: 3, Minor: 1, Mechanism: "NULL"}).Append(nil); !bytes.Equal(got, want) {
		t.Fatalf("got % x", got)
	}
}

func TestCheckSignature(t *testing.T) {
	good := greetingBytes(3, 1, "NULL", 0)
	tests := []struct {
		name    string
		in      []byte
		major   byte
		wantErr string
	}{
		{"3.1", good[:11], 3, ""},
		{"whole greeting", good, 3, ""},
		{"padding ignored", []byte{0xFF, 1, 2, 3, 4, 5, 6, 7, 8, 0x7F, 3}, 3, ""},
		{"future major", []byte{0xFF, 0, 0, 0, 0, 0, 0, 0, 0, 0x7F, 4}, 4, ""},
		{"http", []byte("GET / HTTP/1.1"), 0, "not a ZMTP peer"},
		{"bad tail", []byte{0xFF, 0, 0, 0, 0, 0, 0, 0, 0, 0x7E, 3}, 0, "not a ZMTP peer"},
		{"ZMTP 1.0", []byte{0x01, 0x00, 0x00}, 0, "truncated"},
		{"ZMTP 1.0 long identity", []byte{0xFF, 0, 0, 0, 0, 0, 0, 0, 0x10, 0x00, 'i'}, 0, "not a ZMTP peer"},
		{"ZMTP 2.0", []byte{0xFF, 0, 0, 0, 0, 0, 0, 0, 0x01, 0x7F, 0x01}, 0, "not a ZMTP 3 greeting"},
		{"version 0", []byte{0xFF, 0, 0, 0, 0, 0, 0, 0, 0x01, 0x7F, 0x00}, 0, "not a ZMTP 3 greeting"},
		{"version 2", []byte{0xFF, 0, 0, 0, 0, 0, 0, 0, 0x01, 0x7F, 0x02}, 0, "not a ZMTP 3 greeting"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			major, err := CheckSignature(tt.in)
			if tt.wantErr == "" {
				if err != nil || major != tt.major {
					t.Fatalf("got %d %v", major, err)
				}
				return
			}
			if !errors.Is(err, ErrProtocol) || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("err = %v, want ErrProtocol with %q", err, tt.wantErr)
			}
		})
	}
	for i := 0; i < SignatureSize; i++ {
		if _, err := CheckSignature(good[:i]); !errors.Is(err, ErrProtocol) {
			t.Fatalf("%d bytes: err = %v", i, err)
		}
	}
}

func TestParseGreeting(t *testing.T) {
	with := func(b []byte, i int, v byte) []byte {
		b = append([]byte(nil), b...)
		b[i] = v
		return b
	}
	good := greetingBytes(3, 1, "NULL", 0)
	tests := []struct {
		name    string
		in      []byte
		want    Greeting
		wantErr bool
	}{
		{"NULL 3.1", good, Greeting{3, 1, "NULL", false}, false},
		{"3.0", greetingBytes(3, 0, "NULL", 0), Greeting{3, 0, "NULL", false}, false},
		{"minor 255", greetingBytes(3, 255, "NULL", 0), Greeting{3, 255, "NULL", false}, false},
		{"all name chars", greetingBytes(3, 1, "AZ09-_.+", 1), Greeting{3, 1, "AZ09-_.+", true}, false},
		{"20-byte name", greetingBytes(3, 1, strings.Repeat("X", 20), 0), Greeting{3, 1, strings.Repeat("X", 20), false}, false},
		{"filler ignored", with(good, 63, 0xEE), Greeting{3, 1, "NULL", false}, false},
		{"trailing bytes ignored", append(append([]byte(nil), good...), 0x04, 0x19), Greeting{3, 1, "NULL", false}, false},
		{"empty name", greetingBytes(3, 1, "", 0), Greeting{}, true},
		{"lower case", greetingBytes(3, 1, "null", 0), Greeting{}, true},
		{"space", greetingBytes(3, 1, "NU LL", 0), Greeting{}, true},
		{"junk after NUL", with(good, 20, 'X'), Greeting{}, true},
		{"leading NUL", greetingBytes(3, 1, "\x00NULL", 0), Greeting{}, true},
		{"as-server 2", greetingBytes(3, 1, "NULL", 2), Greeting{}, true},
		{"bad signature", with(good, 0, 0xFE), Greeting{}, true},
		{"version 2", with(good, 10, 2), Greeting{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g, err := ParseGreeting(tt.in)
			if tt.wantErr {
				if !errors.Is(err, ErrProtocol) {
					t.Fatalf("err = %v, want ErrProtocol", err)
				}
				return
			}
			if err != nil || g != tt.want {
				t.Fatalf("got %+v %v", g, err)
			}
		})
	}
	for i := 0; i < GreetingSize; i++ {
		if _, err := ParseGreeting(good[:i]); !errors.Is(err, ErrProtocol) {
			t.Fatalf("%d bytes: err = %v", i, err)
		}
	}
}
