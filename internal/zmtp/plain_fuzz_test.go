package zmtp

import (
	"errors"
	"testing"
)

var zapCodes = []string{"200", "400", "300", "500", "x"}

// runMechanismFuzz feeds a wire stream to m until it is ready or fails,
// answering ZAP with zapCodes[verdict]; it checks that every error is one
// the engine can classify and that the metadata kept is bounded by the
// input.
func runMechanismFuzz(t *testing.T, m Mechanism, stream []byte, verdict byte) (rest []byte) {
	in := len(stream)
	if _, err := m.Start(); err != nil {
		t.Fatal(err)
	}
	for !m.Ready() {
		var err error
		if req := m.ZAPRequest(); req != nil {
			_, err = m.ZAPReply(ZAPReply{StatusCode: zapCodes[int(verdict)%len(zapCodes)]})
		} else {
			var cmd Command
			if cmd, stream, err = nextCommand(stream); err != nil || cmd.Name == "" {
				return nil
			}
			_, err = m.Handle(cmd)
		}
		if err != nil {
			if !errors.Is(err, ErrProtocol) && !errors.Is(err, ErrAuth) {
				t.Fatalf("error %v wraps neither ErrProtocol nor ErrAuth", err)
			}
			if m.Ready() || m.Codec() != nil {
				t.Fatal("ready after an error")
			}
			return nil
		}
	}
	size := 0
	for _, p := range m.PeerMetadata() {
		size += len(p.Name) + len(p.Value)
	}
	if size > in {
		t.Fatalf("%d bytes of metadata from %d bytes of input", size, in)
	}
	return stream
}

func wire(cmds ...Command) []byte {
	var b []byte
	for _, c := range cmds {
		b = c.Append(b)
	}
	return b
}

func FuzzPlainServer(f *testing.F) {
	hello := Command{Name: CmdHello, Body: []byte("\x05admin\x06secret")}
	initiate := Command{Name: CmdInitiate, Body: AppendMetadata(nil, plainClientMeta)}
	f.Add(wire(hello, initiate), byte(0))
	f.Add(wire(hello, initiate), byte(1))
	f.Add(wire(hello, initiate), byte(4))
	f.Add(wire(hello), byte(0))
	f.Add(wire(Command{Name: CmdHello, Body: []byte("\x00\x00")}, Command{Name: CmdInitiate}), byte(0))
	f.Add(wire(hello, hello), byte(0))
	f.Add(wire(initiate), byte(0))
	f.Fuzz(func(t *testing.T, stream []byte, verdict byte) {
		m := NewPlainServer(Config{Local: plainServerMeta, ZAP: verdict < 128})
		runMechanismFuzz(t, m, stream, verdict)
		if m.Ready() && (verdict >= 128 || zapCodes[int(verdict)%len(zapCodes)] != "200") {
			t.Fatal("ready without an accepting ZAP handler")
		}
	})
}

func FuzzPlainClient(f *testing.F) {
	welcome := Command{Name: CmdWelcome}
	ready := ReadyCommand(plainServerMeta)
	f.Add(wire(welcome, ready))
	f.Add(wire(welcome, ErrorCommand("400")))
	f.Add(wire(ErrorCommand("300")))
	f.Add(wire(Command{Name: CmdWelcome, Body: []byte("x")}))
	f.Add(wire(welcome, welcome))
	f.Add(wire(welcome, Command{Name: CmdReady, Body: []byte("\x05Ident\x00\x00\x00\x09")}))
	f.Fuzz(func(t *testing.T, stream []byte) {
		runMechanismFuzz(t, NewPlainClient(Config{Local: plainClientMeta}, "admin", "secret"), stream, 0)
	})
}
