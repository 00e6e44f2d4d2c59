package engine

import (
	"bytes"
	"errors"
	"io"
	"testing"

	"github.com/purezmq/zmq/internal/pipe"
	"github.com/purezmq/zmq/internal/zmtp"
	"github.com/purezmq/zmq/internal/zws"
)

// wsClient builds what a ZWS client sends: masked WebSocket frames.
type wsClient struct {
	b   []byte
	key uint32
}

// raw appends one WebSocket frame with payload, masked.
func (c *wsClient) raw(fin bool, op byte, payload []byte) *wsClient {
	c.key = c.key*2654435761 + 12345
	c.b = zws.AppendHeader(c.b, fin, op, len(payload), true, c.key)
	at := len(c.b)
	c.b = append(c.b, payload...)
	zws.Mask(c.b[at:], c.key, 0)
	return c
}

// frame appends a whole ZWS frame with ZWS flags.
func (c *wsClient) frame(flags byte, body []byte) *wsClient {
	return c.raw(true, zws.OpBinary, append([]byte{flags}, body...))
}

func (c *wsClient) command(name string, body []byte) *wsClient {
	cmd := append([]byte{byte(len(name))}, name...)
	return c.frame(zws.FlagCommand, append(cmd, body...))
}

// ready is a NULL client's handshake as socketType.
func wsReady(socketType string) *wsClient {
	c := &wsClient{}
	return c.command(zmtp.CmdReady, zmtp.AppendMetadata(nil, zmtp.Metadata{{Name: "Socket-Type", Value: socketType}}))
}

// runWS feeds stream to the server side of a ZWS PULL connection and
// returns what it delivered and why it ended.
func runWS(t testing.TB, protocol string, stream []byte, maxMsgSize int64, stats *Stats) ([]pipe.Msg, error) {
	cfg := &Config{SocketType: "PULL", NewMechanism: zmtp.NewNull, MaxMsgSize: maxMsgSize, Stats: stats}
	c, err := HandshakeWS(&scriptedConn{in: bytes.NewReader(stream)}, nil, false, protocol, cfg)
	if err != nil {
		return nil, err
	}
	p := pipe.New(0, 0, pipe.NewWake(), pipe.NewWake())
	err = c.Run(p)
	msgs, _ := p.In.PopBatch(nil, 1<<30)
	return msgs, err
}

func wsFrames(m pipe.Msg) []string {
	out := make([]string, len(m.Frames))
	for i, f := range m.Frames {
		out[i] = string(f)
	}
	return out
}

func TestZWSMessages(t *testing.T) {
	big := bytes.Repeat([]byte("0123456789abcdef"), 100<<10/16)
	c := wsReady("PUSH").
		frame(zws.FlagMore, []byte("a")).frame(0, []byte("b")).
		raw(true, zws.OpPing, []byte("are you there")).
		frame(0, big).
		// One frame in three fragments, a ping and a pong between them.
		raw(false, zws.OpBinary, []byte{zws.FlagMore, 'x'}).
		raw(true, zws.OpPing, nil).
		raw(false, zws.OpContinuation, []byte("yy")).
		raw(true, zws.OpPong, []byte("p")).
		raw(true, zws.OpContinuation, []byte("zzz")).
		frame(0, nil).
		// The flags byte alone in the first fragment.
		raw(false, zws.OpBinary, []byte{0}).raw(true, zws.OpContinuation, []byte("last"))
	msgs, err := runWS(t, zws.ProtocolNull, c.b, -1, &Stats{})
	if !errors.Is(err, io.EOF) {
		t.Fatalf("Run: %v", err)
	}
	want := [][]string{{"a", "b"}, {string(big)}, {"xyyzzz", ""}, {"last"}}
	if len(msgs) != len(want) {
		t.Fatalf("delivered %d messages, want %d", len(msgs), len(want))
	}
	for i, m := range msgs {
		got := wsFrames(m)
		if len(got) != len(want[i]) {
			t.Fatalf("message %d: %d frames, want %d", i, len(got), len(want[i]))
		}
		for j := range got {
			if got[j] != want[i][j] {
				t.Fatalf("message %d frame %d: %.20q..., want %.20q...", i, j, got[j], want[i][j])
			}
		}
	}
}

func TestZWSWithoutMechanism(t *testing.T) {
	c := (&wsClient{}).frame(0, []byte("peer-id")).frame(0, []byte("hello"))
	cfg := &Config{SocketType: "ROUTER", NewMechanism: zmtp.NewNull, RoutingID: []byte("me"), MaxMsgSize: -1}
	conn, err := HandshakeWS(&scriptedConn{in: bytes.NewReader(c.b)}, nil, false, zws.ProtocolRaw, cfg)
	if err != nil {
		t.Fatal(err)
	}
	peer := conn.Peer()
	if string(peer.RoutingID) != "peer-id" || !peer.NoSocketType || !peer.LegacySubscribe {
		t.Fatalf("peer %+v", peer)
	}
	p := pipe.New(0, 0, pipe.NewWake(), pipe.NewWake())
	_ = conn.Run(p)
	msgs, _ := p.In.PopBatch(nil, 10)
	if len(msgs) != 1 || string(msgs[0].Frames[0]) != "hello" {
		t.Fatalf("delivered %v", msgs)
	}
}

func TestZWSRefusesBadFrames(t *testing.T) {
	long := bytes.Repeat([]byte("x"), 1000)
	tooMany := wsReady("PUSH").raw(false, zws.OpBinary, []byte{0})
	for range maxFragments {
		tooMany.raw(false, zws.OpContinuation, nil)
	}
	tests := []struct {
		name   string
		stream []byte
		limit  int64
		want   error
	}{
		{"text frame", wsReady("PUSH").raw(true, zws.OpText, []byte("\x00hi")).b, -1, zmtp.ErrProtocol},
		{"unmasked frame", append(wsReady("PUSH").b, 0x82, 0x02, 0, 'a'), -1, zmtp.ErrProtocol},
		{"reserved bits", append(wsReady("PUSH").b, 0xc2, 0x80, 0, 0, 0, 0), -1, zmtp.ErrProtocol},
		{"empty message", wsReady("PUSH").raw(true, zws.OpBinary, nil).b, -1, zmtp.ErrProtocol},
		{"lone continuation", wsReady("PUSH").raw(true, zws.OpContinuation, []byte("x")).b, -1, zmtp.ErrProtocol},
		{"message inside a fragmented one", wsReady("PUSH").raw(false, zws.OpBinary, []byte{0, 'a'}).frame(0, nil).b, -1, zmtp.ErrProtocol},
		{"fragmented message begun twice", wsReady("PUSH").raw(false, zws.OpBinary, []byte{0}).raw(true, zws.OpBinary, []byte{0}).b, -1, zmtp.ErrProtocol},
		{"empty fragmented message", wsReady("PUSH").raw(false, zws.OpBinary, nil).raw(true, zws.OpContinuation, nil).b, -1, zmtp.ErrProtocol},
		{"frame over the limit", wsReady("PUSH").frame(0, long).b, 999, zmtp.ErrTooLarge},
		{"fragments over the limit", wsReady("PUSH").raw(false, zws.OpBinary, append([]byte{0}, long[:600]...)).raw(false, zws.OpContinuation, long[:400]).b, 999, zmtp.ErrTooLarge},
		{"fragments that never finish", tooMany.b, -1, zmtp.ErrProtocol},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stats Stats
			_, err := runWS(t, zws.ProtocolNull, tt.stream, tt.limit, &stats)
			if !errors.Is(err, tt.want) {
				t.Fatalf("Run: %v, want %v", err, tt.want)
			}
			if stats.ProtocolErrors.Load()+stats.OversizedMessages.Load() != 1 {
				t.Fatalf("not counted: %+v", &stats)
			}
		})
	}
	// A frame exactly at the limit passes, in one message or fragmented.
	at := wsReady("PUSH").frame(0, long).raw(false, zws.OpBinary, append([]byte{0}, long[:600]...)).raw(true, zws.OpContinuation, long[600:])
	if msgs, err := runWS(t, zws.ProtocolNull, at.b, 1000, &Stats{}); !errors.Is(err, io.EOF) || len(msgs) != 2 {
		t.Fatalf("frames at the limit: %d delivered, %v", len(msgs), err)
	}
}

func TestZWSHandshakeRefuses(t *testing.T) {
	tests := []struct {
		name     string
		protocol string
		stream   []byte
	}{
		{"wrong socket type", zws.ProtocolNull, wsReady("PUB").b},
		{"message before READY", zws.ProtocolNull, (&wsClient{}).frame(0, []byte("x")).b},
		{"subprotocol of another mechanism", zws.ProtocolPlain, wsReady("PUSH").b},
		{"close during the handshake", zws.ProtocolNull, (&wsClient{}).raw(true, zws.OpClose, zws.AppendClose(nil, 1001, "gone")).b},
		{"command for a routing id", zws.ProtocolRaw, (&wsClient{}).command("READY", nil).b},
		{"routing id too long", zws.ProtocolRaw, (&wsClient{}).frame(0, make([]byte, 256)).b},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stats Stats
			_, err := runWS(t, tt.protocol, tt.stream, -1, &stats)
			if !errors.Is(err, zmtp.ErrProtocol) && !errors.Is(err, ErrSocketType) && !errors.Is(err, zmtp.ErrTooLarge) {
				t.Fatalf("err %v, want a protocol error", err)
			}
		})
	}
}

// The client side: the server's frames are unmasked, and what the client
// sends is masked.
func TestZWSClientMasks(t *testing.T) {
	ready := append([]byte{zws.FlagCommand, 5}, "READY"...)
	ready = zmtp.AppendMetadata(ready, zmtp.Metadata{{Name: "Socket-Type", Value: "PULL"}})
	server := append(zws.AppendHeader(nil, true, zws.OpBinary, len(ready), false, 0), ready...)
	conn := &recordingConn{scriptedConn: scriptedConn{in: bytes.NewReader(server)}}
	cfg := &Config{SocketType: "PUSH", NewMechanism: zmtp.NewNull, MaxMsgSize: -1}
	if _, err := HandshakeWS(conn, nil, true, zws.ProtocolNull, cfg); err != nil {
		t.Fatal(err)
	}
	h, n, err := zws.ParseHeader(conn.out.Bytes())
	if err != nil || n == 0 || !h.Masked || h.Op != zws.OpBinary {
		t.Fatalf("client sent %+v (%v)", h, err)
	}
	body := append([]byte(nil), conn.out.Bytes()[n:n+int(h.Size)]...)
	zws.Mask(body, h.Key, 0)
	if body[0] != zws.FlagCommand || !bytes.HasPrefix(body[1:], []byte("\x05READY")) {
		t.Fatalf("client's READY unmasked: %q", body)
	}
}

type recordingConn struct {
	scriptedConn
	out bytes.Buffer
}

func (c *recordingConn) Write(b []byte) (int, error) { return c.out.Write(b) }

func FuzzZWSSession(f *testing.F) {
	f.Add([]byte{})
	f.Add((&wsClient{}).frame(0, []byte("hello")).b)
	f.Add((&wsClient{}).raw(false, zws.OpBinary, []byte{1, 'a'}).raw(true, zws.OpPing, nil).raw(true, zws.OpContinuation, []byte("b")).b)
	f.Add((&wsClient{}).raw(true, zws.OpClose, []byte{3, 0xe8}).b)
	f.Add(zws.AppendHeader(nil, true, zws.OpBinary, 1<<40, true, 7))
	prefix := wsReady("PUSH").b
	f.Fuzz(func(t *testing.T, data []byte) {
		msgs, _ := runWS(t, zws.ProtocolNull, append(append([]byte(nil), prefix...), data...), 1<<16, &Stats{})
		for _, m := range msgs {
			for _, fr := range m.Frames {
				if len(fr) > 1<<16 {
					t.Fatalf("frame of %d bytes passed a limit of 64 KiB", len(fr))
				}
			}
		}
	})
}

// FuzzZWSHandshake feeds arbitrary bytes to the server side of each ZWS
// handshake.
func FuzzZWSHandshake(f *testing.F) {
	f.Add(wsReady("PUSH").b, byte(0))
	f.Add((&wsClient{}).frame(0, []byte("id")).b, byte(1))
	f.Add((&wsClient{}).command("HELLO", []byte("\x04user\x04pass")).b, byte(2))
	protocols := []string{zws.ProtocolNull, zws.ProtocolRaw, zws.ProtocolPlain}
	f.Fuzz(func(t *testing.T, data []byte, which byte) {
		protocol := protocols[int(which)%len(protocols)]
		cfg := &Config{SocketType: "PULL", NewMechanism: zmtp.NewNull, MaxMsgSize: 1 << 16}
		if protocol == zws.ProtocolPlain {
			cfg.NewMechanism = zmtp.NewPlainServer
		}
		c, err := HandshakeWS(&scriptedConn{in: bytes.NewReader(data)}, nil, false, protocol, cfg)
		if err == nil && !c.Peer().Known() {
			t.Fatal("handshake succeeded without a peer")
		}
	})
}
