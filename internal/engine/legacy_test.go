package engine

import (
	"bytes"
	"errors"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/purezmq/zmq/internal/pipe"
	"github.com/purezmq/zmq/internal/zmtp"
)

// wirePeer is the far end of a net.Pipe whose near end an engine serves:
// it writes a script and records everything the engine writes.
type wirePeer struct {
	conn net.Conn
	mu   sync.Mutex
	got  []byte
	done chan struct{}
}

func newWirePeer(t *testing.T, script []byte) (*wirePeer, net.Conn) {
	near, far := net.Pipe()
	p := &wirePeer{conn: far, done: make(chan struct{})}
	go func() {
		defer close(p.done)
		buf := make([]byte, 4096)
		for {
			n, err := far.Read(buf)
			p.mu.Lock()
			p.got = append(p.got, buf[:n]...)
			p.mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	go func() { _, _ = far.Write(script) }()
	t.Cleanup(func() {
		far.Close()
		near.Close()
		<-p.done
	})
	return p, near
}

// written returns what the engine wrote, once it has closed its end.
func (p *wirePeer) written() []byte {
	<-p.done
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.got
}

// Scripts of old peers, as they start a connection.
var (
	// jeromqREQ is JeroMQ 0.3.6 as a REQ with identity "jq": its greeting
	// and its identity frame.
	jeromqREQ = append([]byte{0xFF, 0, 0, 0, 0, 0, 0, 0, 3, 0x7F, 1, 3}, 0x00, 2, 'j', 'q')
	// libzmq2 is libzmq 2.x (unversioned ZMTP 1.0), identity "lz2".
	libzmq2 = []byte{4, 0, 'l', 'z', '2'}
	// anonymousV1 is an unversioned ZMTP 1.0 peer with no identity.
	anonymousV1 = []byte{1, 0}
	// v1Versioned is a ZMTP 2.0 greeting of revision 0 (a DEALER), then
	// a ZMTP 1.0 identity frame "v1".
	v1Versioned = []byte{0xFF, 0, 0, 0, 0, 0, 0, 0, 3, 0x7F, 0, 5, 3, 0, 'v', '1'}
)

func TestOldPeerHandshake(t *testing.T) {
	tests := []struct {
		name     string
		ours     string
		script   []byte
		version  zmtp.Version
		peerType string
		identity string
		// sent is what we must have written after our 10-byte signature
		// by the time the engine closes the connection.
		sent []byte
	}{
		{"ZMTP 2.0 (JeroMQ)", "REP", jeromqREQ, zmtp.ZMTP20, "REQ", "jq",
			[]byte{3, 4, 0x00, 3, 'r', 'e', 'p'}},
		{"ZMTP 2.0 to an XPUB", "XPUB", []byte{0xFF, 0, 0, 0, 0, 0, 0, 0, 1, 0x7F, 1, 2, 0, 0}, zmtp.ZMTP20, "SUB", "",
			[]byte{3, 1, 0x00, 3, 'r', 'e', 'p'}},
		{"ZMTP 1.0 (libzmq 2.x)", "ROUTER", libzmq2, zmtp.ZMTP10Unversioned, "", "lz2",
			[]byte("rep")},
		{"ZMTP 1.0 anonymous", "PULL", anonymousV1, zmtp.ZMTP10Unversioned, "", "",
			[]byte("rep")},
		{"ZMTP 1.0 with a greeting", "ROUTER", v1Versioned, zmtp.ZMTP10, "DEALER", "v1",
			[]byte{3, 6, 4, 0, 'r', 'e', 'p'}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			peer, conn := newWirePeer(t, tt.script)
			cfg := &Config{SocketType: tt.ours, RoutingID: []byte("rep"), NewMechanism: zmtp.NewNull, OldestZMTP: 1}
			c, err := Handshake(conn, cfg)
			if err != nil {
				t.Fatal(err)
			}
			got := c.Peer()
			if c.version != tt.version || got.SocketType != tt.peerType || string(got.RoutingID) != tt.identity ||
				!got.LegacySubscribe || !got.Known() {
				t.Fatalf("version %v, peer %+v", c.version, got)
			}
			if typ, ok := got.Meta.Get("Socket-Type"); ok != (tt.peerType != "") || typ != tt.peerType {
				t.Fatalf("Socket-Type property %q", typ)
			}
			c.Close()
			want := append(zmtp.AppendSignature(nil, 3), tt.sent...)
			if w := peer.written(); !bytes.Equal(w, want) {
				t.Fatalf("wrote % x\nwant  % x", w, want)
			}
		})
	}
}

func TestOldPeerRefused(t *testing.T) {
	plain := func(c zmtp.Config) zmtp.Mechanism { return zmtp.NewPlainClient(c, "u", "p") }
	tests := []struct {
		name   string
		cfg    Config
		script []byte
		err    error
		// sent is what we wrote after our signature before hanging up. The
		// peer's whole script arrives in one read here, so a peer refused
		// for its version is refused before our major version goes.
		sent []byte
	}{
		{"ZMTP 2.0 to a ZMTP 3 socket", Config{OldestZMTP: 3}, jeromqREQ, zmtp.ErrProtocol, nil},
		{"ZMTP 1.0 to a ZMTP 2.0 socket", Config{OldestZMTP: 2}, libzmq2, zmtp.ErrProtocol, nil},
		{"ZMTP 1.0 with a greeting to a ZMTP 2.0 socket", Config{OldestZMTP: 2}, v1Versioned, zmtp.ErrProtocol, nil},
		{"an HTTP request to a ZMTP 2.0 socket", Config{OldestZMTP: 2}, []byte("GET / HTTP/1.0\r\n\r\n"), zmtp.ErrProtocol, nil},
		{"ZMTP 2.0 with PLAIN", Config{OldestZMTP: 1, NewMechanism: plain}, jeromqREQ, zmtp.ErrProtocol, nil},
		{"ZMTP 1.0 with a ZAP domain", Config{OldestZMTP: 1, ZAPDomain: "x"}, libzmq2, zmtp.ErrProtocol, nil},
		{"ZMTP 2.0 of a type we cannot talk to", Config{OldestZMTP: 2, SocketType: "PULL"}, jeromqREQ, ErrSocketType, []byte{3, 7}},
		{"ZMTP 2.0 of an unknown type", Config{OldestZMTP: 2},
			[]byte{0xFF, 0, 0, 0, 0, 0, 0, 0, 1, 0x7F, 1, 42, 0, 0}, ErrSocketType, []byte{3, 4}},
		{"ZMTP 2.0 to a type ZMTP 2.0 has no byte for", Config{OldestZMTP: 1, SocketType: "SERVER"}, jeromqREQ, zmtp.ErrProtocol, nil},
		{"identity over 255 bytes", Config{OldestZMTP: 1},
			append([]byte{0xFF, 0, 0, 0, 0, 0, 0, 0, 1, 0x7F, 1, 3}, 0x02, 0, 0, 0, 0, 0, 0, 1, 0), zmtp.ErrProtocol, []byte{3, 4, 0, 0}},
		{"ZMTP 1.0 frame of length 0", Config{OldestZMTP: 1}, []byte{0, 0}, zmtp.ErrProtocol, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			peer, conn := newWirePeer(t, tt.script)
			cfg := tt.cfg
			if cfg.SocketType == "" {
				cfg.SocketType = "REP"
			}
			if cfg.NewMechanism == nil {
				cfg.NewMechanism = zmtp.NewNull
			}
			stats := &Stats{}
			cfg.Stats = stats
			_, err := Handshake(conn, &cfg)
			if !errors.Is(err, tt.err) {
				t.Fatalf("handshake ended with %v, want %v", err, tt.err)
			}
			if stats.ProtocolErrors.Load() != 1 {
				t.Fatalf("protocol errors counted: %d", stats.ProtocolErrors.Load())
			}
			want := append(zmtp.AppendSignature(nil, 0), tt.sent...)
			if w := peer.written(); !bytes.Equal(w, want) {
				t.Fatalf("wrote % x\nwant  % x", w, want)
			}
		})
	}
}

// runOld shakes hands with an old peer whose script goes on past its
// identity, hands the engine the socket's messages, waits for wantIn
// messages to be delivered, and returns them and what the engine wrote
// after the handshake. A heartbeat is set, so a PING would show.
func runOld(t *testing.T, ours string, script []byte, out []pipe.Msg, wantIn int) (delivered []pipe.Msg, written []byte) {
	t.Helper()
	peer, conn := newWirePeer(t, script)
	c, err := Handshake(conn, &Config{SocketType: ours, NewMechanism: zmtp.NewNull, OldestZMTP: 1,
		MaxMsgSize: -1, HeartbeatInterval: time.Millisecond, Stats: &Stats{}})
	if err != nil {
		t.Fatal(err)
	}
	p := pipe.New(0, 0, pipe.NewWake(), pipe.NewWake())
	done := make(chan error, 1)
	go func() { done <- c.Run(p) }()
	for _, m := range out {
		p.Out.Push(&m)
	}
	deadline := time.Now().Add(5 * time.Second)
	for p.In.Len() < wantIn {
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d messages delivered", p.In.Len(), wantIn)
		}
		time.Sleep(time.Millisecond)
	}
	p.Out.CloseWrite() // the engine writes what is queued, then hangs up
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	delivered, _ = p.In.PopBatch(nil, 1<<20)
	return delivered, peer.written()
}

func frames(m pipe.Msg) []string {
	var s []string
	for _, f := range m.Frames {
		s = append(s, string(f))
	}
	return s
}

// Messages both ways in each old framing. The socket's messages go out
// as the peer's version frames them, with no PING although a heartbeat is
// set (there is none before ZMTP 3.0).
func TestOldPeerTraffic(t *testing.T) {
	big := string(bytes.Repeat([]byte("z"), 300))
	out := []pipe.Msg{{Frames: [][]byte{[]byte("a"), []byte(big)}}, {Frames: [][]byte{{}}}}
	tests := []struct {
		name    string
		script  []byte
		framing zmtp.Framing
		skip    int // bytes we wrote before the traffic: greeting and identity
	}{
		{"ZMTP 2.0", jeromqREQ, zmtp.FramingV2, 10 + 2 + 2},
		{"ZMTP 1.0", anonymousV1, zmtp.FramingV1, 10},
		{"ZMTP 1.0 with a greeting", v1Versioned, zmtp.FramingV1, 10 + 2 + 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			script := append([]byte(nil), tt.script...)
			script = append(tt.framing.AppendHeader(script, zmtp.FlagMore, 1), 'x')
			script = append(tt.framing.AppendHeader(script, 0, len(big)), big...)
			// A ZMTP 3 command is no command here: bit 2 is reserved.
			script = append(tt.framing.AppendHeader(script, zmtp.FlagCommand, 5), "\x04PING"...)
			delivered, written := runOld(t, "REP", script, out, 2)
			if len(delivered) != 2 || !equal(frames(delivered[0]), "x", big) || !equal(frames(delivered[1]), "\x04PING") {
				t.Fatalf("delivered %d messages: %v", len(delivered), delivered)
			}
			var want []byte
			want = append(tt.framing.AppendHeader(want, zmtp.FlagMore, 1), 'a')
			want = append(tt.framing.AppendHeader(want, 0, len(big)), big...)
			want = tt.framing.AppendHeader(want, 0, 0)
			if got := written[tt.skip:]; !bytes.Equal(got, want) {
				t.Fatalf("wrote % x\nwant  % x", got, want)
			}
		})
	}
}

func equal(got []string, want ...string) bool {
	if len(got) != len(want) {
		return false
	}
	for i := range got {
		if got[i] != want[i] {
			return false
		}
	}
	return true
}

// To an old peer, subscriptions go as "\x01topic" and "\x00topic" messages
// (RFC 15 "Publish-Subscribe"); a publisher gives an unversioned ZMTP 1.0
// peer, which sends none, a subscription to everything first, as libzmq.
func TestOldPeerSubscriptions(t *testing.T) {
	subs := []pipe.Msg{
		{Kind: pipe.Subscribe, Frames: [][]byte{[]byte("news")}},
		{Kind: pipe.Cancel, Frames: [][]byte{[]byte("news")}},
	}
	_, written := runOld(t, "SUB", []byte{0xFF, 0, 0, 0, 0, 0, 0, 0, 1, 0x7F, 1, 1, 0, 0}, subs, 0)
	want := zmtp.AppendFrame(nil, 0, []byte("\x01news"))
	want = zmtp.AppendFrame(want, 0, []byte("\x00news"))
	if got := written[10+2+2:]; !bytes.Equal(got, want) {
		t.Fatalf("wrote % x\nwant  % x", got, want)
	}

	for _, ours := range []string{"PUB", "XPUB"} {
		delivered, _ := runOld(t, ours, anonymousV1, nil, 1)
		if len(delivered) != 1 || !equal(frames(delivered[0]), "\x01") {
			t.Fatalf("%s: delivered %v, want a subscription to everything", ours, delivered)
		}
	}
	// A ZMTP 2.0 subscriber sends its own.
	delivered, _ := runOld(t, "PUB", []byte{0xFF, 0, 0, 0, 0, 0, 0, 0, 1, 0x7F, 1, 2, 0, 0}, nil, 0)
	if len(delivered) != 0 {
		t.Fatalf("delivered %v to a PUB from a ZMTP 2.0 SUB that sent nothing", delivered)
	}
}
