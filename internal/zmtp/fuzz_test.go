package zmtp

import (
	"bytes"
	"errors"
	"testing"
	"time"
)

// Each fuzz target checks that a decoder never panics, fails only with
// ErrProtocol, and that what it accepts encodes back to the same bytes
// (modulo the fields ZMTP tells readers to ignore).

func FuzzParseGreeting(f *testing.F) {
	f.Add(greetingBytes(3, 1, "NULL", 0))
	f.Add(greetingBytes(3, 0, "CURVE", 1))
	f.Add(greetingBytes(3, 1, "", 0))
	f.Add(greetingBytes(2, 0, "NULL", 0))
	f.Add(greetingBytes(3, 1, "NULL", 0)[:63])
	f.Add([]byte("GET / HTTP/1.1\r\nHost: x\r\n\r\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		g, err := ParseGreeting(b)
		if err != nil {
			if !errors.Is(err, ErrProtocol) {
				t.Fatalf("error %v does not wrap ErrProtocol", err)
			}
			return
		}
		out := g.Append(nil)
		if out[0] != b[0] || !bytes.Equal(out[9:33], b[9:33]) {
			t.Fatalf("re-encoded % x\nfrom         % x", out, b[:GreetingSize])
		}
	})
}

func FuzzCheckSignature(f *testing.F) {
	good := greetingBytes(3, 1, "NULL", 0)
	f.Add(good[:SignatureSize])
	f.Add(good)
	f.Add([]byte{0xFF, 0, 0, 0, 0, 0, 0, 0, 0x01, 0x7F, 0x01})
	f.Add([]byte{0x01, 0x00})
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		major, err := CheckSignature(b)
		if err != nil {
			if !errors.Is(err, ErrProtocol) {
				t.Fatalf("error %v does not wrap ErrProtocol", err)
			}
			return
		}
		if major < 3 || major != b[10] || b[0] != 0xFF || b[9] != 0x7F {
			t.Fatalf("accepted % x as major %d", b[:SignatureSize], major)
		}
	})
}

func FuzzParseFrameHeader(f *testing.F) {
	f.Add([]byte{0x00, 0x00})
	f.Add([]byte{0x01, 0xFF, 'x'})
	f.Add([]byte{0x06, 0, 0, 0, 0, 0, 0, 0x01, 0x00})
	f.Add([]byte{0x02, 0, 0, 0, 0, 0, 0, 0, 0x05})
	f.Add([]byte{0x02, 0x80, 0, 0, 0, 0, 0, 0, 0})
	f.Add([]byte{0x02, 0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF})
	f.Add([]byte{0xFF})
	f.Fuzz(func(t *testing.T, b []byte) {
		flags, size, n, err := ParseFrameHeader(b)
		if err != nil {
			if !errors.Is(err, ErrProtocol) || n != 0 {
				t.Fatalf("n=%d err=%v", n, err)
			}
			return
		}
		switch {
		case n == 0:
			if len(b) >= MaxFrameHeader || (len(b) >= 2 && b[0]&FlagLong == 0) {
				t.Fatalf("need-more on % x", b)
			}
		case n > len(b), flags&^knownFlags != 0, size > 1<<63-1:
			t.Fatalf("% x: flags %#x size %d n %d", b, flags, size, n)
		case flags&FlagLong == 0 && (n != 2 || size > 255):
			t.Fatalf("% x: short header n %d size %d", b, n, size)
		case size > 255:
			out := AppendFrameHeader(nil, flags, int(size))
			if !bytes.Equal(out, append([]byte{b[0] & knownFlags}, b[1:n]...)) {
				t.Fatalf("re-encoded % x from % x", out, b[:n])
			}
		}
	})
}

func FuzzParseCommand(f *testing.F) {
	f.Add([]byte("\x05READY\x0bSocket-Type\x00\x00\x00\x03REQ"))
	f.Add([]byte("\x04PING\x00\x0a"))
	f.Add([]byte("\x00"))
	f.Add([]byte("\xFFshort"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		cmd, err := ParseCommand(b)
		if err != nil {
			if !errors.Is(err, ErrProtocol) {
				t.Fatalf("error %v does not wrap ErrProtocol", err)
			}
			return
		}
		wire := cmd.Append(nil)
		_, _, n, _ := ParseFrameHeader(wire)
		if !bytes.Equal(wire[n:], b) {
			t.Fatalf("re-encoded % x from % x", wire[n:], b)
		}
	})
}

func FuzzParseMetadata(f *testing.F) {
	f.Add(metaREQ)
	f.Add(AppendMetadata(nil, Metadata{{"Socket-Type", "ROUTER"}, {"Identity", ""}, {"X-Y", "z"}}))
	f.Add([]byte{})
	f.Add([]byte{0x00})
	f.Add([]byte("\x01a\xFF\xFF\xFF\xFFab"))
	f.Add([]byte("\x01a\x00\x00\x00"))
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := ParseMetadata(b)
		if err != nil {
			if !errors.Is(err, ErrProtocol) || m != nil {
				t.Fatalf("m=%v err=%v", m, err)
			}
			return
		}
		if out := AppendMetadata(nil, m); !bytes.Equal(out, b) {
			t.Fatalf("re-encoded % x from % x", out, b)
		}
	})
}

func FuzzParsePing(f *testing.F) {
	f.Add([]byte{0x01, 0x2c})
	f.Add([]byte("\x00\x0aping-context"))
	f.Add(append([]byte{0xFF, 0xFF}, bytes.Repeat([]byte{'c'}, 20)...))
	f.Add([]byte{0x01})
	f.Fuzz(func(t *testing.T, b []byte) {
		ttl, ctx, err := ParsePing(b)
		if err != nil {
			if !errors.Is(err, ErrProtocol) {
				t.Fatalf("error %v does not wrap ErrProtocol", err)
			}
			return
		}
		if len(ctx) > MaxPingContext || ttl < 0 || ttl > 6553500*time.Millisecond {
			t.Fatalf("ttl %v context %d bytes", ttl, len(ctx))
		}
		if out := PingCommand(ttl, ctx).Body; !bytes.Equal(out, b[:2+len(ctx)]) {
			t.Fatalf("re-encoded % x from % x", out, b)
		}
	})
}

// FuzzNullMechanism feeds a stream of wire frames to a server-side NULL
// mechanism that asks ZAP; verdict picks the handler's answer.
func FuzzNullMechanism(f *testing.F) {
	ready := ReadyCommand(Metadata{{"Socket-Type", "REQ"}}).Append(nil)
	f.Add(ready, byte(0))
	f.Add(ready, byte(1))
	f.Add(append(append([]byte(nil), ready...), ready...), byte(0))
	f.Add(ErrorCommand("400").Append(nil), byte(0))
	f.Add(AppendCommand(nil, CmdReady, []byte("\x01a\xFF\xFF\xFF\xFF")), byte(0))
	f.Add(AppendCommand(nil, CmdHello, nil), byte(2))
	f.Add([]byte{0x04, 0x00}, byte(0))
	f.Fuzz(func(t *testing.T, stream []byte, verdict byte) {
		codes := []string{"200", "400", "300", "500", "x"}
		m := NewNull(Config{Local: Metadata{{"Socket-Type", "REP"}}, ZAP: true, Domain: "d"})
		if _, err := m.Start(); err != nil {
			t.Fatal(err)
		}
		in := len(stream)
		for !m.Ready() {
			var err error
			if req := m.ZAPRequest(); req != nil {
				_, err = m.ZAPReply(ZAPReply{StatusCode: codes[int(verdict)%len(codes)]})
			} else {
				var cmd Command
				if cmd, stream, err = nextCommand(stream); err != nil || cmd.Name == "" {
					return
				}
				_, err = m.Handle(cmd)
			}
			if err != nil {
				if !errors.Is(err, ErrProtocol) && !errors.Is(err, ErrAuth) {
					t.Fatalf("error %v wraps neither ErrProtocol nor ErrAuth", err)
				}
				return
			}
		}
		if verdict%5 != 0 {
			t.Fatalf("ready although ZAP said %q", codes[int(verdict)%len(codes)])
		}
		size := 0
		for _, p := range m.PeerMetadata() {
			size += len(p.Name) + len(p.Value)
		}
		if size > in {
			t.Fatalf("%d bytes of metadata from %d bytes of input", size, in)
		}
	})
}

// nextCommand cuts one command frame off stream; an empty name means the
// stream ran out.
func nextCommand(stream []byte) (Command, []byte, error) {
	_, size, n, err := ParseFrameHeader(stream)
	if err != nil || n == 0 || size > uint64(len(stream)-n) {
		return Command{}, nil, err
	}
	body := stream[n : n+int(size)]
	cmd, err := ParseCommand(body)
	return cmd, stream[n+int(size):], err
}

// FuzzJoinLeave decodes command frame bodies as a RADIO does the JOIN and
// LEAVE a DISH sends.
func FuzzJoinLeave(f *testing.F) {
	f.Add([]byte("\x04JOINweather"))
	f.Add([]byte("\x05LEAVEweather"))
	f.Add([]byte("\x04JOIN"))
	f.Add(append([]byte("\x04JOIN"), bytes.Repeat([]byte("g"), 256)...))
	f.Fuzz(func(t *testing.T, b []byte) {
		cmd, err := ParseCommand(b)
		if err != nil || (cmd.Name != CmdJoin && cmd.Name != CmdLeave) {
			return
		}
		group, err := ParseGroup(cmd.Body)
		if err != nil {
			if !errors.Is(err, ErrProtocol) || len(cmd.Body) <= MaxGroupLength {
				t.Fatalf("refused a %d-byte group: %v", len(cmd.Body), err)
			}
			return
		}
		if len(group) > MaxGroupLength {
			t.Fatalf("took a %d-byte group", len(group))
		}
		wire := AppendCommand(nil, cmd.Name, group)
		_, _, n, _ := ParseFrameHeader(wire)
		if !bytes.Equal(wire[n:], b) {
			t.Fatalf("re-encoded % x from % x", wire[n:], b)
		}
	})
}
