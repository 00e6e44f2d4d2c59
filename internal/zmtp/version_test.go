package zmtp

import (
	"bytes"
	"errors"
	"testing"
)

func TestPeerVersion(t *testing.T) {
	v3 := greetingBytes(3, 1, "NULL", 0)
	v30 := greetingBytes(3, 0, "NULL", 0)
	// JeroMQ 0.3.6's greeting, as a REQ with no identity.
	jeromq := []byte{0xFF, 0, 0, 0, 0, 0, 0, 0, 1, 0x7F, 1, 3}
	tests := []struct {
		name    string
		in      []byte
		want    Version
		need    int
		wantErr bool
	}{
		{"nothing yet", nil, VersionUnknown, 1, false},
		{"first byte of a signature", []byte{0xFF}, VersionUnknown, SignatureLen, false},
		{"nine bytes of a signature", v3[:9], VersionUnknown, SignatureLen, false},
		{"signature, no revision", v3[:10], VersionUnknown, SignatureLen + 1, false},
		{"ZMTP 3.1", v3[:11], ZMTP3, 0, false},
		{"ZMTP 3.1 whole", v3, ZMTP3, 0, false},
		{"ZMTP 3.0", v30[:11], ZMTP3, 0, false},
		{"a later major version", append(v3[:10:10], 4), ZMTP3, 0, false},
		{"ZMTP 2.0 (JeroMQ 0.3)", jeromq, ZMTP20, 0, false},
		{"ZMTP 2.0 from its revision", jeromq[:11], ZMTP20, 0, false},
		{"ZMTP 1.0 with a greeting (revision 0)", append(jeromq[:10:10], 0, 3), ZMTP10, 0, false},
		// libzmq 2.x: its anonymous identity frame, length 1 and flags 0.
		{"ZMTP 1.0 anonymous identity", []byte{0x01, 0x00}, ZMTP10Unversioned, 0, false},
		{"ZMTP 1.0 first byte alone", []byte{0x06}, ZMTP10Unversioned, 0, false},
		// An identity frame in the long form: flags 0 where a signature has 0x7F.
		{"ZMTP 1.0 long identity", []byte{0xFF, 0, 0, 0, 0, 0, 0, 0, 6, 0x00, 'h', 'e'}, ZMTP10Unversioned, 0, false},
		{"an HTTP request", []byte("GET / HTTP/1.1\r\n"), ZMTP10Unversioned, 0, false},
		{"odd tenth byte that is not 0x7F", []byte{0xFF, 0, 0, 0, 0, 0, 0, 0, 1, 0x01, 3}, VersionUnknown, 0, true},
		{"revision 2", append(v3[:10:10], 2), VersionUnknown, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, need, err := PeerVersion(tt.in)
			if tt.wantErr {
				if !errors.Is(err, ErrProtocol) {
					t.Fatalf("error %v, want ErrProtocol", err)
				}
				return
			}
			if err != nil || v != tt.want || need != tt.need {
				t.Fatalf("PeerVersion(% x) = %v, need %d, %v; want %v, need %d", tt.in, v, need, err, tt.want, tt.need)
			}
		})
	}
}

func TestVersionMajorAndFraming(t *testing.T) {
	tests := []struct {
		v       Version
		major   int
		framing Framing
	}{
		{ZMTP10Unversioned, 1, FramingV1},
		{ZMTP10, 1, FramingV1},
		{ZMTP20, 2, FramingV2},
		{ZMTP3, 3, FramingV3},
	}
	for _, tt := range tests {
		if tt.v.Major() != tt.major || tt.v.Framing() != tt.framing {
			t.Errorf("%v: major %d framing %T", tt.v, tt.v.Major(), tt.v.Framing())
		}
	}
}

func TestAppendSignature(t *testing.T) {
	got := AppendSignature(nil, 5)
	want := []byte{0xFF, 0, 0, 0, 0, 0, 0, 0, 6, 0x7F}
	if !bytes.Equal(got, want) {
		t.Fatalf("got % x, want % x", got, want)
	}
	// A ZMTP 1.0 peer reads it as the header of a 5-byte frame, flags 0x7F.
	flags, size, n, err := FramingV1.ParseHeader(got)
	if err != nil || size != 5 || n != SignatureLen || flags != FlagMore {
		t.Fatalf("as a ZMTP 1.0 header: flags %#x size %d n %d %v", flags, size, n, err)
	}
	// And we read it as a versioned signature.
	if v, need, err := PeerVersion(got); v != VersionUnknown || need != SignatureLen+1 || err != nil {
		t.Fatalf("PeerVersion of our signature: %v %d %v", v, need, err)
	}
}

func TestSocketTypeBytes(t *testing.T) {
	tests := []struct {
		name string
		b    byte
		ok   bool
	}{
		{"PAIR", 0, true}, {"PUB", 1, true}, {"SUB", 2, true}, {"REQ", 3, true}, {"REP", 4, true},
		{"DEALER", 5, true}, {"ROUTER", 6, true}, {"PULL", 7, true}, {"PUSH", 8, true},
		// RFC 15: XPUB and XSUB are PUB and SUB on the wire.
		{"XPUB", 1, true}, {"XSUB", 2, true},
		{"STREAM", 0, false}, {"SERVER", 0, false}, {"", 0, false},
	}
	for _, tt := range tests {
		b, ok := SocketTypeByte(tt.name)
		if ok != tt.ok || (ok && b != tt.b) {
			t.Errorf("SocketTypeByte(%q) = %d, %v", tt.name, b, ok)
		}
	}
	// libzmq sends XPUB and XSUB as 9 and 10.
	for b, want := range map[byte]string{0: "PAIR", 3: "REQ", 8: "PUSH", 9: "XPUB", 10: "XSUB"} {
		if name, ok := SocketTypeOfByte(b); !ok || name != want {
			t.Errorf("SocketTypeOfByte(%d) = %q, %v", b, name, ok)
		}
	}
	for _, b := range []byte{11, 12, 0xFF} {
		if name, ok := SocketTypeOfByte(b); ok {
			t.Errorf("SocketTypeOfByte(%d) = %q", b, name)
		}
	}
}
