package zmtp

import (
	"bytes"
	"errors"
	"reflect"
	"runtime"
	"strings"
	"testing"
)

// metaREQ is Socket-Type=REQ as RFC 37 lays a property out.
var metaREQ = []byte("\x0bSocket-Type\x00\x00\x00\x03REQ")

func TestAppendMetadata(t *testing.T) {
	tests := []struct {
		name string
		m    Metadata
		want []byte
	}{
		{"none", nil, nil},
		{"socket type", Metadata{{"Socket-Type", "REQ"}}, metaREQ},
		{"empty value", Metadata{{"Identity", ""}}, []byte("\x08Identity\x00\x00\x00\x00")},
		{"two", Metadata{{"Socket-Type", "REQ"}, {"X", "ab"}},
			append(append([]byte(nil), metaREQ...), "\x01X\x00\x00\x00\x02ab"...)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := AppendMetadata(nil, tt.m)
			if !bytes.Equal(got, tt.want) {
				t.Fatalf("got % x\nwant % x", got, tt.want)
			}
			back, err := ParseMetadata(got)
			if err != nil || !reflect.DeepEqual(back, tt.m) {
				t.Fatalf("round trip: %v, %v", back, err)
			}
		})
	}
}

func TestAppendMetadataBadNamePanics(t *testing.T) {
	for _, name := range []string{"", strings.Repeat("n", 256)} {
		func() {
			defer func() {
				if recover() == nil {
					t.Fatalf("name of %d bytes: no panic", len(name))
				}
			}()
			AppendMetadata(nil, Metadata{{name, "v"}})
		}()
	}
}

func TestMetadataBoundaries(t *testing.T) {
	m := Metadata{
		{strings.Repeat("N", 255), strings.Repeat("v", 70000)},
		{"a", ""},
		{"Dup", "1"}, {"dup", "2"},
	}
	back, err := ParseMetadata(AppendMetadata(nil, m))
	if err != nil || !reflect.DeepEqual(back, m) {
		t.Fatalf("round trip failed: %v", err)
	}
	if v, _ := back.Get("DUP"); v != "1" {
		t.Fatalf("Get(DUP) = %q, want the first one", v)
	}
}

func TestParseMetadataErrors(t *testing.T) {
	tests := []struct {
		name string
		in   []byte
	}{
		{"zero name length", []byte{0x00, 0, 0, 0, 0}},
		{"lone name length", []byte{0x01}},
		{"name truncated", []byte("\x05abc")},
		{"value length truncated", []byte("\x01a\x00\x00\x00")},
		{"value truncated", []byte("\x01a\x00\x00\x00\x03ab")},
		{"huge value length", []byte("\x01a\xFF\xFF\xFF\xFFab")},
		{"trailing byte", append(append([]byte(nil), metaREQ...), 0x01)},
		{"zero name after good", append(append([]byte(nil), metaREQ...), 0x00, 0, 0, 0, 0)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := ParseMetadata(tt.in)
			if !errors.Is(err, ErrProtocol) || m != nil {
				t.Fatalf("got %v, %v; want ErrProtocol", m, err)
			}
		})
	}
}

// Every cut of a valid list that does not fall between properties must be
// refused.
func TestParseMetadataTruncated(t *testing.T) {
	first := AppendMetadata(nil, Metadata{{"Socket-Type", "DEALER"}})
	full := AppendMetadata(first, Metadata{{"Identity", "abc"}})
	for i := 0; i <= len(full); i++ {
		_, err := ParseMetadata(full[:i])
		wantOK := i == 0 || i == len(first) || i == len(full)
		if (err == nil) != wantOK {
			t.Fatalf("cut at %d: err=%v, want ok=%v", i, err, wantOK)
		}
	}
}

func TestParseMetadataCopies(t *testing.T) {
	in := append([]byte(nil), metaREQ...)
	m, err := ParseMetadata(in)
	if err != nil {
		t.Fatal(err)
	}
	for i := range in {
		in[i] = 'Z'
	}
	if m[0].Name != "Socket-Type" || m[0].Value != "REQ" {
		t.Fatalf("metadata aliases its input: %v", m)
	}
}

// A hostile value length must not make the parser reserve memory for it.
func TestParseMetadataNoHugeAlloc(t *testing.T) {
	in := []byte("\x01a\xFF\xFF\xFF\xF0")
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for i := 0; i < 100; i++ {
		if _, err := ParseMetadata(in); err == nil {
			t.Fatal("accepted")
		}
	}
	runtime.ReadMemStats(&after)
	if d := after.TotalAlloc - before.TotalAlloc; d > 1<<20 {
		t.Fatalf("allocated %d bytes for 100 bad inputs", d)
	}
}
