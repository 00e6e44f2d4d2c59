package main

import (
	"bytes"
	"testing"

	"github.com/purezmq/zmq"
)

// What recv prints, send must read back to the same frames, for every
// format, whatever the bytes.
func TestFormatRoundTrip(t *testing.T) {
	messages := [][][]byte{
		{[]byte("hello")},
		{[]byte("two"), []byte("frames")},
		{{}, []byte("empty first")},
		{{0x00, 0xff, 0x80}, []byte("binary then text")},
		{[]byte(`"quoted" \ and {json}`)},
	}
	for _, f := range []msgFormat{{kind: "hex"}, {kind: "json"}, {kind: "hex", delim: ":"}} {
		for _, frames := range messages {
			line := f.encode(zmq.NewMsg(frames...))
			m, err := f.decode(line)
			if err != nil {
				t.Fatalf("%+v: %q: %v", f, line, err)
			}
			if !sameFrames(m.Frames, frames) {
				t.Errorf("%+v: %q read back as %q, want %q", f, line, m.Frames, frames)
			}
		}
	}
}

func TestFormatText(t *testing.T) {
	f := msgFormat{kind: "text"}
	if got := f.encode(zmq.NewMsgString("a", "b")); got != "a|b" {
		t.Errorf("text joins frames as %q, want a|b", got)
	}
	m, _ := f.decode("a|b")
	if len(m.Frames) != 1 {
		t.Errorf("text without --delimiter split %q into %d frames", "a|b", len(m.Frames))
	}
	f.delim = "|"
	m, _ = f.decode("a|b")
	if !sameFrames(m.Frames, [][]byte{[]byte("a"), []byte("b")}) {
		t.Errorf("--delimiter | read %q as %q", "a|b", m.Frames)
	}
}

func TestFormatRejects(t *testing.T) {
	for _, c := range []struct{ kind, line string }{
		{"hex", "xyz"},
		{"json", "{"},
		{"json", "[]"},
		{"json", `[{"hex":"zz"}]`},
		{"json", `[1]`},
	} {
		if _, err := (&msgFormat{kind: c.kind}).decode(c.line); err == nil {
			t.Errorf("%s accepted %q", c.kind, c.line)
		}
	}
}

func sameFrames(a, b [][]byte) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !bytes.Equal(a[i], b[i]) {
			return false
		}
	}
	return true
}
