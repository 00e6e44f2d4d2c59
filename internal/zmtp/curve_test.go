package zmtp

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"

	"golang.org/x/crypto/nacl/box"
)

var (
	curveClientMeta = Metadata{{"Socket-Type", "DEALER"}, {"Identity", "c1"}}
	curveServerMeta = Metadata{{"Socket-Type", "ROUTER"}}
)

type curveTestKeys struct {
	serverPublic, serverSecret [32]byte
	clientPublic, clientSecret [32]byte
}

func newCurveTestKeys(t testing.TB) curveTestKeys {
	t.Helper()
	var k curveTestKeys
	var err error
	if k.serverPublic, k.serverSecret, err = NewCurveKeyPair(); err != nil {
		t.Fatal(err)
	}
	if k.clientPublic, k.clientSecret, err = NewCurveKeyPair(); err != nil {
		t.Fatal(err)
	}
	return k
}

func curvePair(k curveTestKeys, zap bool, verdict func(*ZAPRequest) ZAPReply) (client, server *side) {
	client = &side{m: NewCurveClient(Config{Local: curveClientMeta}, k.serverPublic, k.clientPublic, k.clientSecret)}
	server = &side{m: NewCurveServer(Config{
		Local: curveServerMeta, ZAP: zap,
		Domain: "global", PeerAddress: "10.0.0.1", RoutingID: []byte("rid"),
	}, k.serverSecret), zap: verdict}
	return client, server
}

// curveReady runs a whole handshake without ZAP and returns both mechanisms.
func curveReady(t testing.TB) (client, server Mechanism) {
	t.Helper()
	k := newCurveTestKeys(t)
	c, s := curvePair(k, false, nil)
	handshake(t.(*testing.T), c, s)
	if c.err != nil || s.err != nil || !c.m.Ready() || !s.m.Ready() {
		t.Fatalf("handshake: client %v, server %v", c.err, s.err)
	}
	return c.m, s.m
}

func TestCurveHandshake(t *testing.T) {
	client, server := curveReady(t)
	if got := server.PeerMetadata(); !reflect.DeepEqual(got, curveClientMeta) {
		t.Fatalf("server sees %v", got)
	}
	if got := client.PeerMetadata(); !reflect.DeepEqual(got, curveServerMeta) {
		t.Fatalf("client sees %v", got)
	}
	for _, m := range []Mechanism{client, server} {
		if m.Name() != "CURVE" || m.Codec() == nil || m.ZAPRequest() != nil || m.UserID() != "" {
			t.Fatal("CURVE accessors")
		}
	}
}

func TestCurveZAPAccept(t *testing.T) {
	k := newCurveTestKeys(t)
	var asked *ZAPRequest
	client, server := curvePair(k, true, func(r *ZAPRequest) ZAPReply {
		asked = r
		return ZAPReply{StatusCode: "200", UserID: "alice", Metadata: Metadata{{"Role", "ops"}}}
	})
	handshake(t, client, server)
	if client.err != nil || server.err != nil || !client.m.Ready() || !server.m.Ready() {
		t.Fatalf("client %v, server %v", client.err, server.err)
	}
	want := &ZAPRequest{
		Domain: "global", Address: "10.0.0.1", RoutingID: []byte("rid"), Mechanism: "CURVE",
		Credentials: [][]byte{k.clientPublic[:]},
	}
	if !reflect.DeepEqual(asked, want) {
		t.Fatalf("ZAP request %+v, want %+v", asked, want)
	}
	if server.m.UserID() != "alice" {
		t.Fatalf("user id %q", server.m.UserID())
	}
	if got, want := server.m.PeerMetadata(), append(curveClientMeta[:2:2], Property{"Role", "ops"}); !reflect.DeepEqual(got, want) {
		t.Fatalf("server sees %v, want %v", got, want)
	}
}

func TestCurveZAPRefuse(t *testing.T) {
	tests := []struct {
		code      string
		wantError bool
	}{
		{"400", true},
		{"500", true},
		{"300", false},
	}
	for _, tt := range tests {
		t.Run(tt.code, func(t *testing.T) {
			client, server := curvePair(newCurveTestKeys(t), true, refuse(tt.code))
			handshake(t, client, server)
			if !errors.Is(server.err, ErrAuth) || server.m.Ready() || server.m.Codec() != nil {
				t.Fatalf("server err = %v", server.err)
			}
			if tt.wantError {
				if !errors.Is(client.err, ErrAuth) || !strings.Contains(client.err.Error(), tt.code) {
					t.Fatalf("client err = %v", client.err)
				}
			} else if client.err != nil || client.m.Ready() {
				t.Fatalf("client err = %v", client.err)
			}
		})
	}
}

func TestCurveWrongServerKey(t *testing.T) {
	k := newCurveTestKeys(t)
	other := newCurveTestKeys(t)
	k.serverPublic = other.serverPublic
	client, server := curvePair(k, false, nil)
	handshake(t, client, server)
	if !errors.Is(server.err, ErrProtocol) || !errors.Is(server.err, errCurveBox) {
		t.Fatalf("server err = %v", server.err)
	}
	if client.m.Ready() || server.m.Ready() {
		t.Fatal("ready with the wrong server key")
	}
}

// curveSteps drives one handshake by hand so a test can look at or change
// each command on its way. edit may change the body of step i (0 HELLO,
// 1 WELCOME, 2 INITIATE, 3 READY) and returns it.
func curveSteps(t *testing.T, k curveTestKeys, edit func(step int, body []byte) []byte) (client, server Mechanism, bodies [4][]byte, err error) {
	t.Helper()
	client = NewCurveClient(Config{Local: curveClientMeta}, k.serverPublic, k.clientPublic, k.clientSecret)
	server = NewCurveServer(Config{Local: curveServerMeta}, k.serverSecret)
	if _, err := server.Start(); err != nil {
		t.Fatal(err)
	}
	cmds, err := client.Start()
	if err != nil {
		t.Fatal(err)
	}
	for step := 0; step < 4; step++ {
		if len(cmds) != 1 {
			t.Fatalf("step %d: %d commands", step, len(cmds))
		}
		cmd := Command{Name: cmds[0].Name, Body: edit(step, append([]byte(nil), cmds[0].Body...))}
		bodies[step] = cmd.Body
		to := server
		if step%2 == 1 {
			to = client
		}
		if cmds, err = to.Handle(cmd); err != nil {
			return client, server, bodies, fmt.Errorf("step %d: %w", step, err)
		}
	}
	return client, server, bodies, nil
}

func noEdit(_ int, b []byte) []byte { return b }

// TestCurveWire pins the layout libzmq 4.3 uses (curve_client_tools.hpp,
// curve_server.cpp) and that a libzmq peer accepted over TCP.
func TestCurveWire(t *testing.T) {
	k := newCurveTestKeys(t)
	client, server, b, err := curveSteps(t, k, noEdit)
	if err != nil {
		t.Fatal(err)
	}
	hello, welcome, initiate, ready := b[0], b[1], b[2], b[3]
	if len(hello) != 194 || hello[0] != 1 || hello[1] != 0 || !bytes.Equal(hello[2:74], make([]byte, 72)) {
		t.Fatalf("HELLO head % x (len %d)", hello[:8], len(hello))
	}
	if n := binary.BigEndian.Uint64(hello[106:]); n != 1 {
		t.Fatalf("HELLO nonce %d", n)
	}
	if len(welcome) != 160 {
		t.Fatalf("WELCOME len %d", len(welcome))
	}
	meta := len(AppendMetadata(nil, curveClientMeta))
	if len(initiate) != 96+8+16+32+16+80+meta {
		t.Fatalf("INITIATE len %d", len(initiate))
	}
	if n := binary.BigEndian.Uint64(initiate[96:]); n != 2 {
		t.Fatalf("INITIATE nonce %d", n)
	}
	if len(ready) != 8+16+len(AppendMetadata(nil, curveServerMeta)) || binary.BigEndian.Uint64(ready) != 1 {
		t.Fatalf("READY len %d nonce %d", len(ready), binary.BigEndian.Uint64(ready))
	}

	// MESSAGE: a frame with no flags set (libzmq's framing), the command
	// name, the short nonce, the box; client nonces go on from INITIATE's,
	// server ones from READY's.
	for _, tc := range []struct {
		m     Mechanism
		nonce uint64
	}{{client, 3}, {server, 2}} {
		frame, err := tc.m.Codec().Seal(nil, FlagMore, []byte("abc"))
		if err != nil {
			t.Fatal(err)
		}
		want := append([]byte{0, 8 + 8 + 16 + 1 + 3}, "\x07MESSAGE"...)
		want = binary.BigEndian.AppendUint64(want, tc.nonce)
		if !bytes.Equal(frame[:18], want) || len(frame) != 2+36 {
			t.Fatalf("MESSAGE % x, want prefix % x", frame, want)
		}
	}
	big, _ := client.Codec().Seal(nil, 0, make([]byte, 300))
	if big[0] != FlagLong || binary.BigEndian.Uint64(big[1:9]) != uint64(len(big)-9) {
		t.Fatalf("long MESSAGE header % x", big[:9])
	}
	if over := client.Codec().Overhead(); len(big)-300 > over {
		t.Fatalf("Seal added %d bytes, Overhead says %d", len(big)-300, over)
	}
}

func TestCurveTampered(t *testing.T) {
	tests := []struct {
		name     string
		step     int
		offset   int
		failStep int
	}{
		{"HELLO box", 0, 150, 0},
		{"HELLO client key", 0, 80, 0},
		{"HELLO nonce", 0, 107, 0},
		{"WELCOME nonce", 1, 3, 1},
		{"WELCOME box", 1, 100, 1},
		{"INITIATE cookie nonce", 2, 5, 2},
		{"INITIATE cookie", 2, 50, 2},
		{"INITIATE nonce", 2, 100, 2},
		{"INITIATE box", 2, 200, 2},
		{"INITIATE metadata", 2, -1, 2},
		{"READY nonce", 3, 2, 3},
		{"READY box", 3, 20, 3},
	}
	k := newCurveTestKeys(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, _, err := curveSteps(t, k, func(step int, b []byte) []byte {
				if step == tt.step {
					off := tt.offset
					if off < 0 {
						off += len(b)
					}
					b[off] ^= 0x20
				}
				return b
			})
			if !errors.Is(err, ErrProtocol) || !strings.HasPrefix(err.Error(), fmt.Sprintf("step %d:", tt.failStep)) {
				t.Fatalf("err = %v, want a protocol error at step %d", err, tt.failStep)
			}
		})
	}
}

func TestCurveBadSizes(t *testing.T) {
	resize := func(n int) func([]byte) []byte {
		return func(b []byte) []byte {
			if n <= len(b) {
				return b[:n]
			}
			return append(b, make([]byte, n-len(b))...)
		}
	}
	setVersion := func(major, minor byte) func([]byte) []byte {
		return func(b []byte) []byte { b[0], b[1] = major, minor; return b }
	}
	tests := []struct {
		name string
		step int
		edit func([]byte) []byte
	}{
		{"HELLO short", 0, resize(193)},
		{"HELLO long", 0, resize(195)},
		{"HELLO empty", 0, resize(0)},
		{"HELLO version 2.0", 0, setVersion(2, 0)},
		{"HELLO version 1.1", 0, setVersion(1, 1)},
		{"WELCOME short", 1, resize(159)},
		{"WELCOME long", 1, resize(161)},
		{"INITIATE short", 2, resize(247)},
		{"INITIATE empty", 2, resize(0)},
		{"READY short", 3, resize(23)},
		{"READY empty", 3, resize(0)},
	}
	k := newCurveTestKeys(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, _, err := curveSteps(t, k, func(step int, b []byte) []byte {
				if step == tt.step {
					return tt.edit(b)
				}
				return b
			})
			if !errors.Is(err, ErrProtocol) || !strings.HasPrefix(err.Error(), fmt.Sprintf("step %d:", tt.step)) {
				t.Fatalf("err = %v", err)
			}
		})
	}
}

// forgeInitiate builds the INITIATE a client would send after welcome, but
// with the vouch made from vouchPlain and sealed with vouchSecret, and with
// claimed as the client's long-term key.
func forgeInitiate(t *testing.T, c *curveClient, welcome []byte, claimed, vouchSecret [32]byte, vouchPlain []byte) Command {
	t.Helper()
	plain, ok := box.Open(nil, welcome[16:], longNonce(curveWelcomePrefix, welcome[:16]), &c.server, &c.short.secret)
	if !ok {
		t.Fatal("cannot open WELCOME")
	}
	var serverShort [32]byte
	copy(serverShort[:], plain[:32])
	var tail [16]byte
	inner := append(append([]byte(nil), claimed[:]...), tail[:]...)
	inner = box.Seal(inner, vouchPlain, longNonce(curveVouchPrefix, tail[:]), &serverShort, &vouchSecret)
	body := append([]byte(nil), plain[32:]...)
	body = binary.BigEndian.AppendUint64(body, 2)
	body = box.Seal(body, inner, shortNonce(curveInitiatePrefix, 2), &serverShort, &c.short.secret)
	return Command{Name: CmdInitiate, Body: body}
}

func TestCurveVouch(t *testing.T) {
	k := newCurveTestKeys(t)
	stranger := newCurveTestKeys(t)
	tests := []struct {
		name    string
		claimed func(c *curveClient) [32]byte
		secret  [32]byte
		plain   func(c *curveClient) []byte
		wantErr bool
	}{
		{"genuine", func(*curveClient) [32]byte { return k.clientPublic }, k.clientSecret,
			func(c *curveClient) []byte { return append(c.short.public[:], k.serverPublic[:]...) }, false},
		{"wrong server key in vouch", func(*curveClient) [32]byte { return k.clientPublic }, k.clientSecret,
			func(c *curveClient) []byte { return append(c.short.public[:], stranger.serverPublic[:]...) }, true},
		{"wrong short-term key in vouch", func(*curveClient) [32]byte { return k.clientPublic }, k.clientSecret,
			func(*curveClient) []byte { return append(stranger.clientPublic[:], k.serverPublic[:]...) }, true},
		{"vouch by another key than claimed", func(*curveClient) [32]byte { return k.clientPublic }, stranger.clientSecret,
			func(c *curveClient) []byte { return append(c.short.public[:], k.serverPublic[:]...) }, true},
		{"short vouch", func(*curveClient) [32]byte { return k.clientPublic }, k.clientSecret,
			func(c *curveClient) []byte { return c.short.public[:] }, true},
		{"low-order client key", func(*curveClient) [32]byte { return [32]byte{} }, k.clientSecret,
			func(c *curveClient) []byte { return append(c.short.public[:], k.serverPublic[:]...) }, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			client := NewCurveClient(Config{}, k.serverPublic, k.clientPublic, k.clientSecret).(*curveClient)
			server := NewCurveServer(Config{}, k.serverSecret)
			server.Start()
			hello, _ := client.Start()
			welcome, err := server.Handle(hello[0])
			if err != nil {
				t.Fatal(err)
			}
			cmd := forgeInitiate(t, client, welcome[0].Body, tt.claimed(client), tt.secret, tt.plain(client))
			_, err = server.Handle(cmd)
			if tt.wantErr != (err != nil) || (err != nil && !errors.Is(err, ErrProtocol)) {
				t.Fatalf("err = %v, want error %v", err, tt.wantErr)
			}
			if tt.wantErr == server.Ready() {
				t.Fatalf("ready = %v", server.Ready())
			}
		})
	}
}

func TestCurveLowOrderKeys(t *testing.T) {
	k := newCurveTestKeys(t)
	// A client told to trust an all-zero server key cannot say HELLO.
	c := NewCurveClient(Config{}, [32]byte{}, k.clientPublic, k.clientSecret)
	if _, err := c.Start(); err == nil {
		t.Fatal("HELLO to an all-zero server key")
	}
	// A HELLO whose C' has small order would make every box key public.
	_, _, _, err := curveSteps(t, k, func(step int, b []byte) []byte {
		if step == 0 {
			clear(b[74:106])
		}
		return b
	})
	if !errors.Is(err, ErrProtocol) || !strings.HasPrefix(err.Error(), "step 0:") {
		t.Fatalf("err = %v", err)
	}
}

func TestCurveUnexpectedCommands(t *testing.T) {
	k := newCurveTestKeys(t)
	tests := []struct {
		name   string
		server bool
		cmds   []Command
		want   error
	}{
		{"server: INITIATE first", true, []Command{{Name: CmdInitiate, Body: make([]byte, 300)}}, ErrProtocol},
		{"server: READY", true, []Command{{Name: CmdReady}}, ErrProtocol},
		{"server: ERROR", true, []Command{ErrorCommand("400")}, ErrProtocol},
		{"server: MESSAGE", true, []Command{{Name: CmdMessage, Body: make([]byte, 40)}}, ErrProtocol},
		{"client: READY first", false, []Command{{Name: CmdReady, Body: make([]byte, 40)}}, ErrProtocol},
		{"client: HELLO", false, []Command{{Name: CmdHello, Body: make([]byte, 194)}}, ErrProtocol},
		{"client: ERROR", false, []Command{ErrorCommand("400")}, ErrAuth},
		{"client: malformed ERROR", false, []Command{{Name: CmdError, Body: []byte("\x05ab")}}, ErrProtocol},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var m Mechanism
			if tt.server {
				m = NewCurveServer(Config{}, k.serverSecret)
			} else {
				m = NewCurveClient(Config{}, k.serverPublic, k.clientPublic, k.clientSecret)
			}
			if _, err := m.Start(); err != nil {
				t.Fatal(err)
			}
			var err error
			for _, c := range tt.cmds {
				if _, err = m.Handle(c); err != nil {
					break
				}
			}
			if !errors.Is(err, tt.want) || m.Ready() || m.Codec() != nil {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			// A failed mechanism stays failed.
			if _, err := m.Handle(Command{Name: CmdReady}); err == nil {
				t.Fatal("failed mechanism accepts more")
			}
		})
	}
}

func TestCurveMisuse(t *testing.T) {
	k := newCurveTestKeys(t)
	c := NewCurveClient(Config{}, k.serverPublic, k.clientPublic, k.clientSecret)
	if c.Codec() != nil {
		t.Fatal("codec before handshake")
	}
	c.Start()
	if _, err := c.Start(); !errors.Is(err, ErrProtocol) {
		t.Fatal(err)
	}
	if _, err := c.ZAPReply(ZAPReply{StatusCode: "200"}); !errors.Is(err, ErrProtocol) {
		t.Fatal(err)
	}
	s := NewCurveServer(Config{ZAP: true}, k.serverSecret)
	s.Start()
	if _, err := s.ZAPReply(ZAPReply{StatusCode: "200"}); !errors.Is(err, ErrProtocol) {
		t.Fatal(err)
	}
	client, server := curveReady(t)
	if _, err := server.Handle(Command{Name: CmdInitiate}); !errors.Is(err, ErrProtocol) {
		t.Fatal("server handles commands after READY")
	}
	if _, err := client.Handle(Command{Name: CmdReady}); !errors.Is(err, ErrProtocol) {
		t.Fatal("client handles commands after READY")
	}
}

// Secrets must never reach error text; a wrong key fails with a fixed
// message whichever box it was.
func TestCurveErrorsCarryNoKeys(t *testing.T) {
	k := newCurveTestKeys(t)
	for step := 0; step < 4; step++ {
		_, _, _, err := curveSteps(t, k, func(s int, b []byte) []byte {
			if s == step {
				b[len(b)-1] ^= 1
			}
			return b
		})
		if err == nil {
			t.Fatalf("step %d: no error", step)
		}
		for _, key := range [][32]byte{k.serverSecret, k.clientSecret, k.serverPublic, k.clientPublic} {
			for _, form := range []string{string(key[:8]), fmt.Sprintf("%x", key[:8]), fmt.Sprintf("%v", key[:4])} {
				if strings.Contains(err.Error(), form) {
					t.Fatalf("step %d: key material in %q", step, err)
				}
			}
		}
	}
}

func TestCurveTraffic(t *testing.T) {
	client, server := curveReady(t)
	tests := []struct {
		name  string
		flags byte
		body  []byte
	}{
		{"empty", 0, nil},
		{"more", FlagMore, []byte("part")},
		{"command", FlagCommand, []byte("\x04PING\x00\x10")},
		{"more and command", FlagMore | FlagCommand, []byte("x")},
		{"long", 0, bytes.Repeat([]byte("z"), 70000)},
	}
	for _, dir := range []struct {
		name     string
		from, to Mechanism
	}{{"client to server", client, server}, {"server to client", server, client}} {
		for _, tt := range tests {
			t.Run(dir.name+" "+tt.name, func(t *testing.T) {
				frame, err := dir.from.Codec().Seal([]byte("prefix"), tt.flags, tt.body)
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.HasPrefix(frame, []byte("prefix")) {
					t.Fatal("Seal did not append")
				}
				frame = frame[len("prefix"):]
				flags, size, n, err := ParseFrameHeader(frame)
				if err != nil || flags&(FlagMore|FlagCommand) != 0 || size != uint64(len(frame)-n) {
					t.Fatalf("frame header flags %x size %d n %d err %v", flags, size, n, err)
				}
				gotFlags, body, err := dir.to.Codec().Open(frame[n:])
				if err != nil || gotFlags != tt.flags || !bytes.Equal(body, tt.body) {
					t.Fatalf("Open = %x %q %v", gotFlags, body[:min(len(body), 16)], err)
				}
			})
		}
	}
}

func TestCurveOpenRefuses(t *testing.T) {
	client, server := curveReady(t)
	seal := func(body string) []byte {
		frame, err := client.Codec().Seal(nil, 0, []byte(body))
		if err != nil {
			t.Fatal(err)
		}
		return frame[2:]
	}
	first, second := seal("one"), seal("two")
	open := server.Codec().Open
	if _, _, err := open(second); err != nil {
		t.Fatal(err)
	}
	tampered := append([]byte(nil), seal("three")...)
	tampered[len(tampered)-1] ^= 1
	tests := []struct {
		name string
		body []byte
	}{
		{"reordered", first},
		{"replayed", second},
		{"tampered", tampered},
		{"not MESSAGE", []byte("\x04PING\x00\x00")},
		{"empty", nil},
		{"too short", seal("x")[:8+8+16]},
		{"wrong direction", func() []byte { f, _ := server.Codec().Seal(nil, 0, []byte("me")); return f[2:] }()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, _, err := open(tt.body); !errors.Is(err, ErrProtocol) {
				t.Fatalf("err = %v", err)
			}
		})
	}
	// A refused frame leaves the counter alone: the next genuine one opens.
	if _, body, err := open(seal("four")); err != nil || string(body) != "four" {
		t.Fatalf("after refusals: %q %v", body, err)
	}
}

// Seal and Open may run at once, one goroutine per direction, as an engine
// with a reader and a writer runs them.
func TestCurveCodecConcurrent(t *testing.T) {
	client, server := curveReady(t)
	const n = 200
	toServer := make(chan []byte, n)
	toClient := make(chan []byte, n)
	var wg sync.WaitGroup
	pump := func(from Mechanism, out chan<- []byte) {
		defer wg.Done()
		for i := 0; i < n; i++ {
			f, err := from.Codec().Seal(nil, 0, []byte(fmt.Sprint(i)))
			if err != nil {
				t.Error(err)
				return
			}
			out <- f[2:]
		}
	}
	drain := func(to Mechanism, in <-chan []byte) {
		defer wg.Done()
		for i := 0; i < n; i++ {
			_, body, err := to.Codec().Open(<-in)
			if err != nil || string(body) != fmt.Sprint(i) {
				t.Errorf("message %d: %q %v", i, body, err)
				return
			}
		}
	}
	wg.Add(4)
	go pump(client, toServer)
	go pump(server, toClient)
	go drain(server, toServer)
	go drain(client, toClient)
	wg.Wait()
}

func TestCurveNonceExhausted(t *testing.T) {
	client, server := curveReady(t)
	c := client.Codec().(*curveCodec)
	c.sendNonce = 1<<64 - 1
	frame, err := c.Seal(nil, 0, []byte("last"))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := server.Codec().Open(frame[2:]); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Seal(nil, 0, []byte("one too many")); !errors.Is(err, ErrProtocol) {
		t.Fatalf("err = %v", err)
	}
}
