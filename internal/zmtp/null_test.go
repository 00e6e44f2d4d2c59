package zmtp

import (
	"bytes"
	"errors"
	"reflect"
	"strings"
	"testing"
)

// side is one end of an in-memory handshake: its mechanism, what it has
// received, and the ZAP handler that answers for it.
type side struct {
	m     Mechanism
	inbox [][]byte // wire frames from the peer
	zap   func(*ZAPRequest) ZAPReply
	err   error
}

// send puts cmds on the wire towards peer, so every command crosses the
// frame and command codecs on its way.
func (s *side) send(peer *side, cmds []Command) {
	for _, c := range cmds {
		peer.inbox = append(peer.inbox, c.Append(nil))
	}
}

// step does what an engine does next for s and reports whether it did
// anything.
func (s *side) step(t *testing.T, peer *side) bool {
	if s.err != nil || s.m.Ready() {
		return false
	}
	if req := s.m.ZAPRequest(); req != nil {
		cmds, err := s.m.ZAPReply(s.zap(req))
		s.send(peer, cmds)
		s.err = err
		return true
	}
	if len(s.inbox) == 0 {
		return false
	}
	frame := s.inbox[0]
	s.inbox = s.inbox[1:]
	flags, _, n, err := ParseFrameHeader(frame)
	if err != nil || n == 0 || flags&FlagCommand == 0 {
		t.Fatalf("bad frame on the wire: % x", frame)
	}
	cmd, err := ParseCommand(frame[n:])
	if err != nil {
		t.Fatal(err)
	}
	cmds, err := s.m.Handle(cmd)
	s.send(peer, cmds)
	s.err = err
	return true
}

// handshake runs two mechanisms against each other until neither can move.
func handshake(t *testing.T, a, b *side) {
	t.Helper()
	for _, s := range [][2]*side{{a, b}, {b, a}} {
		cmds, err := s[0].m.Start()
		if err != nil {
			t.Fatal(err)
		}
		s[0].send(s[1], cmds)
	}
	for a.step(t, b) || b.step(t, a) {
	}
}

func accept(userID string, m Metadata) func(*ZAPRequest) ZAPReply {
	return func(*ZAPRequest) ZAPReply {
		return ZAPReply{StatusCode: "200", StatusText: "OK", UserID: userID, Metadata: m}
	}
}

func refuse(code string) func(*ZAPRequest) ZAPReply {
	return func(*ZAPRequest) ZAPReply { return ZAPReply{StatusCode: code, StatusText: "go away"} }
}

func TestNullHandshake(t *testing.T) {
	client := &side{m: NewNull(Config{Local: Metadata{{"Socket-Type", "DEALER"}, {"Identity", "c1"}}})}
	server := &side{m: NewNull(Config{Local: Metadata{{"Socket-Type", "ROUTER"}}})}
	handshake(t, client, server)
	if client.err != nil || server.err != nil || !client.m.Ready() || !server.m.Ready() {
		t.Fatalf("client ready=%v err=%v; server ready=%v err=%v", client.m.Ready(), client.err, server.m.Ready(), server.err)
	}
	if got := server.m.PeerMetadata(); !reflect.DeepEqual(got, Metadata{{"Socket-Type", "DEALER"}, {"Identity", "c1"}}) {
		t.Fatalf("server sees %v", got)
	}
	if got, _ := client.m.PeerMetadata().Get("Socket-Type"); got != "ROUTER" {
		t.Fatalf("client sees %q", got)
	}
	if client.m.Name() != "NULL" || client.m.Codec() != nil || client.m.UserID() != "" || client.m.ZAPRequest() != nil {
		t.Fatal("NULL mechanism accessors")
	}
}

func TestNullStartSendsReady(t *testing.T) {
	cmds, err := NewNull(Config{Local: Metadata{{"Socket-Type", "REQ"}}}).Start()
	want := append([]byte{0x04, 0x19, 0x05}, "READY\x0bSocket-Type\x00\x00\x00\x03REQ"...)
	if err != nil || len(cmds) != 1 || !bytes.Equal(cmds[0].Append(nil), want) {
		t.Fatalf("Start = %v, %v", cmds, err)
	}
}

func TestNullZAPAccept(t *testing.T) {
	var asked *ZAPRequest
	client := &side{m: NewNull(Config{Local: Metadata{{"Socket-Type", "REQ"}, {"User-Id", "forged"}}})}
	server := &side{
		m: NewNull(Config{
			Local: Metadata{{"Socket-Type", "REP"}}, ZAP: true,
			Domain: "global", PeerAddress: "10.0.0.7", RoutingID: []byte{0, 1},
		}),
		zap: func(r *ZAPRequest) ZAPReply {
			asked = r
			return accept("alice", Metadata{{"User-Id", "alice"}, {"Role", "admin"}})(r)
		},
	}
	handshake(t, client, server)
	if client.err != nil || server.err != nil || !client.m.Ready() || !server.m.Ready() {
		t.Fatalf("client err=%v server err=%v", client.err, server.err)
	}
	want := &ZAPRequest{Domain: "global", Address: "10.0.0.7", RoutingID: []byte{0, 1}, Mechanism: "NULL"}
	if !reflect.DeepEqual(asked, want) {
		t.Fatalf("ZAP request %+v", asked)
	}
	if server.m.UserID() != "alice" {
		t.Fatalf("UserID %q", server.m.UserID())
	}
	wantMeta := Metadata{{"Socket-Type", "REQ"}, {"User-Id", "alice"}, {"Role", "admin"}}
	if got := server.m.PeerMetadata(); !reflect.DeepEqual(got, wantMeta) {
		t.Fatalf("PeerMetadata %v", got)
	}
}

// libzmq asks ZAP as soon as the handshake starts and holds its READY back
// until the verdict; both ends asking must not deadlock.
func TestNullZAPOrder(t *testing.T) {
	m := NewNull(Config{Local: Metadata{{"Socket-Type", "PAIR"}}, ZAP: true})
	cmds, err := m.Start()
	if err != nil || len(cmds) != 0 {
		t.Fatalf("Start with ZAP sent %v, %v", cmds, err)
	}
	if m.ZAPRequest() == nil {
		t.Fatal("no ZAP request after Start")
	}
	a := &side{m: NewNull(Config{Local: Metadata{{"Socket-Type", "PAIR"}}, ZAP: true}), zap: accept("", nil)}
	b := &side{m: NewNull(Config{Local: Metadata{{"Socket-Type", "PAIR"}}, ZAP: true}), zap: accept("", nil)}
	handshake(t, a, b)
	if !a.m.Ready() || !b.m.Ready() {
		t.Fatalf("a err=%v b err=%v", a.err, b.err)
	}
}

// The peer's READY may arrive before the ZAP verdict.
func TestNullReadyBeforeZAPReply(t *testing.T) {
	m := NewNull(Config{Local: Metadata{{"Socket-Type", "REP"}}, ZAP: true})
	if _, err := m.Start(); err != nil {
		t.Fatal(err)
	}
	if _, err := m.Handle(ReadyCommand(Metadata{{"Socket-Type", "REQ"}})); err != nil {
		t.Fatal(err)
	}
	if m.Ready() || m.ZAPRequest() == nil {
		t.Fatal("ready before the ZAP verdict")
	}
	cmds, err := m.ZAPReply(ZAPReply{StatusCode: "200", Metadata: Metadata{{"Role", "x"}}})
	if err != nil || len(cmds) != 1 || cmds[0].Name != CmdReady || !m.Ready() {
		t.Fatalf("ZAPReply = %v, %v; ready=%v", cmds, err, m.Ready())
	}
	want := Metadata{{"Socket-Type", "REQ"}, {"Role", "x"}}
	if got := m.PeerMetadata(); !reflect.DeepEqual(got, want) {
		t.Fatalf("PeerMetadata %v", got)
	}
}

func TestNullZAPRefuse(t *testing.T) {
	tests := []struct {
		code       string
		wantReason string // "" means no ERROR goes out
	}{
		{"400", "400"},
		{"500", "500"},
		{"300", ""},
		{"999", "500"},
		{"", "500"},
	}
	for _, tt := range tests {
		t.Run(tt.code, func(t *testing.T) {
			client := &side{m: NewNull(Config{Local: Metadata{{"Socket-Type", "REQ"}}})}
			server := &side{m: NewNull(Config{Local: Metadata{{"Socket-Type", "REP"}}, ZAP: true}), zap: refuse(tt.code)}
			handshake(t, client, server)
			if !errors.Is(server.err, ErrAuth) || server.m.Ready() {
				t.Fatalf("server err = %v", server.err)
			}
			if !strings.Contains(server.err.Error(), "go away") {
				t.Fatalf("server error lacks the status text: %v", server.err)
			}
			if tt.wantReason == "" {
				if client.err != nil || len(client.inbox) != 0 || client.m.Ready() {
					t.Fatalf("client got something: err=%v inbox=%d", client.err, len(client.inbox))
				}
				return
			}
			if !errors.Is(client.err, ErrAuth) || !strings.Contains(client.err.Error(), `"`+tt.wantReason+`"`) {
				t.Fatalf("client err = %v, want ErrAuth with %q", client.err, tt.wantReason)
			}
			if client.m.Ready() {
				t.Fatal("client ready after ERROR")
			}
		})
	}
}

func TestNullHandleErrors(t *testing.T) {
	ready := ReadyCommand(Metadata{{"Socket-Type", "REQ"}})
	tests := []struct {
		name  string
		cmds  []Command
		isErr error
	}{
		{"peer ERROR", []Command{ErrorCommand("no")}, ErrAuth},
		{"malformed ERROR", []Command{{CmdError, []byte{5, 'a'}}}, ErrProtocol},
		{"empty ERROR", []Command{{CmdError, nil}}, ErrProtocol},
		{"bad metadata", []Command{{CmdReady, []byte{0, 0}}}, ErrProtocol},
		{"second READY", []Command{ready, ready}, ErrProtocol},
		{"ERROR after READY", []Command{ready, ErrorCommand("late")}, ErrProtocol},
		{"HELLO", []Command{{CmdHello, nil}}, ErrProtocol},
		{"PING", []Command{PingCommand(0, nil)}, ErrProtocol},
		{"lower-case ready", []Command{{"ready", nil}}, ErrProtocol},
		{"after failure", []Command{{CmdHello, nil}, ready}, ErrProtocol},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := NewNull(Config{Local: Metadata{{"Socket-Type", "REP"}}})
			if _, err := m.Start(); err != nil {
				t.Fatal(err)
			}
			var err error
			for _, c := range tt.cmds {
				_, err = m.Handle(c)
			}
			if !errors.Is(err, tt.isErr) || m.Ready() {
				t.Fatalf("err = %v, want %v; ready=%v", err, tt.isErr, m.Ready())
			}
		})
	}
}

func TestNullMisuse(t *testing.T) {
	m := NewNull(Config{})
	if _, err := m.ZAPReply(ZAPReply{StatusCode: "200"}); !errors.Is(err, ErrProtocol) {
		t.Fatalf("ZAPReply without request: %v", err)
	}
	m = NewNull(Config{})
	if _, err := m.Start(); err != nil {
		t.Fatal(err)
	}
	if _, err := m.Start(); err == nil {
		t.Fatal("second Start accepted")
	}
	m = NewNull(Config{ZAP: true})
	m.Start()
	if _, err := m.ZAPReply(ZAPReply{StatusCode: "200"}); err != nil {
		t.Fatal(err)
	}
	if _, err := m.ZAPReply(ZAPReply{StatusCode: "200"}); !errors.Is(err, ErrProtocol) {
		t.Fatalf("second ZAPReply: %v", err)
	}
	if m.ZAPRequest() != nil {
		t.Fatal("ZAP request after failure")
	}
}

func TestMergeMetadata(t *testing.T) {
	peer := Metadata{{"Socket-Type", "REQ"}, {"user-id", "forged"}, {"X", "1"}}
	zap := Metadata{{"User-Id", "real"}}
	want := Metadata{{"Socket-Type", "REQ"}, {"X", "1"}, {"User-Id", "real"}}
	if got := mergeMetadata(peer, zap); !reflect.DeepEqual(got, want) {
		t.Fatalf("got %v", got)
	}
	if got := mergeMetadata(peer, nil); !reflect.DeepEqual(got, peer) {
		t.Fatalf("got %v", got)
	}
}
