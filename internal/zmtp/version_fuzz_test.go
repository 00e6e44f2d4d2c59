package zmtp

import (
	"errors"
	"testing"
)

// FuzzPeerVersion: the greeting fallback never panics, asks for more bytes
// only while it has fewer than that (and never more than 11), fails only
// with ErrProtocol, and gives the same answer for any longer input with the
// same start, so reading more never changes a version once told.
func FuzzPeerVersion(f *testing.F) {
	f.Add(greetingBytes(3, 1, "NULL", 0))
	f.Add([]byte{0xFF, 0, 0, 0, 0, 0, 0, 0, 1, 0x7F, 1, 3})
	f.Add([]byte{0xFF, 0, 0, 0, 0, 0, 0, 0, 1, 0x7F, 0, 3})
	f.Add([]byte{0xFF, 0, 0, 0, 0, 0, 0, 0, 6, 0x00, 'h', 'e'})
	f.Add([]byte{0x01, 0x00})
	f.Add([]byte("GET / HTTP/1.1\r\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		v, need, err := PeerVersion(b)
		if err != nil {
			if !errors.Is(err, ErrProtocol) {
				t.Fatalf("error %v does not wrap ErrProtocol", err)
			}
			return
		}
		if need > 0 {
			if v != VersionUnknown || need <= len(b) || need > SignatureLen+1 {
				t.Fatalf("PeerVersion(% x) = %v, need %d", b, v, need)
			}
			return
		}
		if v == VersionUnknown {
			t.Fatalf("PeerVersion(% x): no version and nothing needed", b)
		}
		longer := append(append([]byte(nil), b...), 0xFF, 0x00, 0x7F)
		if v2, need2, err2 := PeerVersion(longer); v2 != v || need2 != 0 || err2 != nil {
			t.Fatalf("PeerVersion(% x) = %v but with more bytes %v, %d, %v", b, v, v2, need2, err2)
		}
	})
}

// fuzzFraming checks one framing's decoder: it never panics, fails only
// with ErrProtocol, never claims more header than it was given, keeps
// sizes within int64, and what it reads encodes back to a header that reads
// the same.
func fuzzFraming(t *testing.T, fr Framing, b []byte) {
	flags, size, n, err := fr.ParseHeader(b)
	if err != nil {
		if !errors.Is(err, ErrProtocol) {
			t.Fatalf("error %v does not wrap ErrProtocol", err)
		}
		return
	}
	if n == 0 {
		if len(b) >= fr.MaxHeader() {
			t.Fatalf("% x: a whole header's bytes, but more asked for", b)
		}
		return
	}
	if n > len(b) || n > fr.MaxHeader() || size > 1<<63-1 {
		t.Fatalf("% x: header of %d bytes, size %d", b, n, size)
	}
	if size > 1<<30 {
		return // too big to encode again here; the checks above hold
	}
	hdr := fr.AppendHeader(nil, flags&^FlagLong, int(size))
	flags2, size2, n2, err2 := fr.ParseHeader(hdr)
	if err2 != nil || n2 != len(hdr) || size2 != size || flags2&^FlagLong != flags&^FlagLong {
		t.Fatalf("% x read as flags %#x size %d; re-encoded % x reads as %#x %d (%v)", b[:n], flags, size, hdr, flags2, size2, err2)
	}
}

func FuzzFramingV1(f *testing.F) {
	f.Add([]byte{1, 0})
	f.Add([]byte{6, 1, 'h', 'e', 'l', 'l', 'o'})
	f.Add(AppendSignature(nil, 5))
	f.Add([]byte{0xFF, 0, 0, 0, 0, 0, 0, 0, 0, 0})
	f.Add([]byte{0, 0})
	f.Fuzz(func(t *testing.T, b []byte) { fuzzFraming(t, FramingV1, b) })
}

func FuzzFramingV2(f *testing.F) {
	f.Add([]byte{0x00, 3})
	f.Add([]byte{0x03, 0, 0, 0, 0, 0, 0, 1, 0})
	f.Add([]byte{0x04, 4})
	f.Add([]byte{0x02, 0x80, 0, 0, 0, 0, 0, 0, 0})
	f.Fuzz(func(t *testing.T, b []byte) { fuzzFraming(t, FramingV2, b) })
}
