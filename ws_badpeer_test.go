package zmq_test

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/purezmq/zmq"
	"github.com/purezmq/zmq/internal/testlog"
	"github.com/purezmq/zmq/internal/zmtp"
	"github.com/purezmq/zmq/internal/zws"
)

// rawWS is a hand-driven WebSocket client for feeding a socket bad input.
type rawWS struct {
	t    *testing.T
	conn net.Conn
	br   *bufio.Reader
	key  uint32
}

func dialRawWS(t *testing.T, endpoint string) *rawWS {
	t.Helper()
	hostport := strings.TrimPrefix(endpoint, "ws://")
	hostport, _, _ = strings.Cut(hostport, "/")
	conn, err := net.Dial("tcp", hostport)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return &rawWS{t: t, conn: conn, br: bufio.NewReader(conn)}
}

func (p *rawWS) write(b []byte) {
	p.t.Helper()
	if _, err := p.conn.Write(b); err != nil {
		p.t.Fatalf("raw write: %v", err)
	}
}

// upgrade sends request and returns the status of the answer.
func (p *rawWS) upgrade(request string) int {
	p.t.Helper()
	p.write([]byte(request))
	_ = p.conn.SetReadDeadline(time.Now().Add(testTimeout))
	resp, err := http.ReadResponse(p.br, nil)
	if err != nil {
		p.t.Fatalf("reading the upgrade's answer: %v", err)
	}
	return resp.StatusCode
}

func upgradeRequest(path string, protocols ...string) string {
	return string(zws.AppendRequest(nil, "127.0.0.1", path, zws.NewKey([16]byte{4, 2}), protocols))
}

// raw sends one masked WebSocket frame.
func (p *rawWS) raw(fin bool, op byte, payload []byte) {
	p.key = p.key*2654435761 + 1
	b := zws.AppendHeader(nil, fin, op, len(payload), true, p.key)
	at := len(b)
	b = append(b, payload...)
	zws.Mask(b[at:], p.key, 0)
	p.write(b)
}

// ready upgrades with ZWS2.0/NULL and sends READY as socketType.
func (p *rawWS) ready(socketType string) {
	p.t.Helper()
	if status := p.upgrade(upgradeRequest("/zmq", zws.ProtocolNull)); status != http.StatusSwitchingProtocols {
		p.t.Fatalf("upgrade answered %d", status)
	}
	cmd := append([]byte{zws.FlagCommand, 5}, "READY"...)
	p.raw(true, zws.OpBinary, zmtp.AppendMetadata(cmd, zmtp.Metadata{{Name: "Socket-Type", Value: socketType}}))
}

// closedBySocket waits until the socket hangs up and returns the status
// code of the WebSocket close frame it sent (0 if none).
func (p *rawWS) closedBySocket() uint16 {
	p.t.Helper()
	_ = p.conn.SetReadDeadline(time.Now().Add(testTimeout))
	got, err := io.ReadAll(p.br)
	if err != nil && !isReset(err) {
		p.t.Fatalf("socket did not hang up: %v", err)
	}
	var code uint16
	for len(got) > 0 {
		h, n, err := zws.ParseHeader(got)
		if err != nil || n == 0 || len(got) < n+int(h.Size) {
			break
		}
		if h.Op == zws.OpClose && h.Size >= 2 {
			code = binary.BigEndian.Uint16(got[n:])
		}
		got = got[n+int(h.Size):]
	}
	return code
}

// Bad input on a ws endpoint: each gets a closed connection and a counted,
// logged reason, and a good peer is served afterwards.
func TestWebSocketBadPeersAreDropped(t *testing.T) {
	tooMany := func(p *rawWS) {
		p.ready("PUSH")
		p.raw(false, zws.OpBinary, []byte{0})
		// The socket hangs up part way: the writes after that fail.
		b := []byte{}
		for range 5000 {
			b = zws.AppendHeader(b, false, zws.OpContinuation, 0, true, 0)
		}
		_, _ = p.conn.Write(b)
	}
	cases := []struct {
		name   string
		opts   []zmq.Option
		status int // the HTTP answer to the upgrade; 0: not looked at
		feed   func(p *rawWS)
		stat   func(zmq.Stats) int64
		code   uint16 // the close frame's status; 0: none expected
	}{
		{"plain HTTP request", nil, http.StatusBadRequest, func(p *rawWS) {
			p.write([]byte("GET /zmq HTTP/1.1\r\nHost: x\r\n\r\n"))
		}, protocolErrors, 0},
		{"ZMTP greeting instead of HTTP", nil, http.StatusBadRequest, func(p *rawWS) {
			p.write(append(zmtp.Greeting{Major: 3, Minor: 1, Mechanism: "NULL"}.Append(nil), "\r\n\r\n"...))
		}, protocolErrors, 0},
		{"missing subprotocol", nil, http.StatusBadRequest, func(p *rawWS) {
			p.write([]byte(upgradeRequest("/zmq")))
		}, protocolErrors, 0},
		{"wrong subprotocol", nil, http.StatusBadRequest, func(p *rawWS) {
			p.write([]byte(upgradeRequest("/zmq", "chat", zws.ProtocolCurve)))
		}, protocolErrors, 0},
		{"text frame", nil, 0, func(p *rawWS) {
			p.ready("PUSH")
			p.raw(true, zws.OpText, []byte("\x00hello"))
		}, protocolErrors, zws.CloseProtocol},
		{"unmasked frame", nil, 0, func(p *rawWS) {
			p.ready("PUSH")
			p.write([]byte{0x82, 0x02, 0x00, 'x'})
		}, protocolErrors, zws.CloseProtocol},
		{"frame over the maximum message size", []zmq.Option{zmq.WithMaxMsgSize(1024)}, 0, func(p *rawWS) {
			p.ready("PUSH")
			p.write(append(zws.AppendHeader(nil, true, zws.OpBinary, 1<<30, true, 9), 9)) // and the flags byte
		}, func(s zmq.Stats) int64 { return s.OversizedMessages }, zws.CloseTooBig},
		{"fragments over the maximum message size", []zmq.Option{zmq.WithMaxMsgSize(1024)}, 0, func(p *rawWS) {
			p.ready("PUSH")
			p.raw(false, zws.OpBinary, make([]byte, 1000))
			p.raw(false, zws.OpContinuation, make([]byte, 100))
		}, func(s zmq.Stats) int64 { return s.OversizedMessages }, zws.CloseTooBig},
		{"fragments that never finish", nil, 0, tooMany, protocolErrors, zws.CloseProtocol},
		{"stalled upgrade", []zmq.Option{zmq.WithHandshakeTimeout(100 * time.Millisecond)}, 0, func(p *rawWS) {
			p.write([]byte("GET /zmq HTTP/1.1\r\nHost: 127.0.0.1\r\n"))
		}, func(s zmq.Stats) int64 { return s.HandshakeTimeouts }, 0},
		{"stalled handshake after the upgrade", []zmq.Option{zmq.WithHandshakeTimeout(100 * time.Millisecond)}, 0, func(p *rawWS) {
			if status := p.upgrade(upgradeRequest("/zmq", zws.ProtocolNull)); status != http.StatusSwitchingProtocols {
				p.t.Fatalf("upgrade answered %d", status)
			}
		}, func(s zmq.Stats) int64 { return s.HandshakeTimeouts }, 0},
		{"silent peer", []zmq.Option{zmq.WithHeartbeat(50*time.Millisecond, 300*time.Millisecond, 0)}, 0, func(p *rawWS) {
			p.ready("PUSH") // and never answers a ping
		}, func(s zmq.Stats) int64 { return s.HeartbeatTimeouts }, 0},
		{"incompatible socket type", nil, 0, func(p *rawWS) {
			p.ready("PUB")
		}, protocolErrors, zws.CloseProtocol},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var logs testlog.Buffer
			opts := append([]zmq.Option{zmq.WithLogger(slog.New(slog.NewTextHandler(&logs, nil)))}, c.opts...)
			pull := newSocket(t, zmq.PULL, opts...)
			ep := bind(t, pull, "ws://127.0.0.1:*/zmq")
			bad := dialRawWS(t, ep)
			c.feed(bad)
			if c.status != 0 {
				_ = bad.conn.SetReadDeadline(time.Now().Add(testTimeout))
				resp, err := http.ReadResponse(bad.br, nil)
				if err != nil || resp.StatusCode != c.status {
					t.Fatalf("upgrade answered %v (%v), want %d", resp, err, c.status)
				}
			}
			if code := bad.closedBySocket(); code != c.code {
				t.Errorf("close frame status %d, want %d", code, c.code)
			}
			eventually(t, "the drop to be counted", func() bool { return c.stat(pull.Stats()) == 1 })
			eventually(t, "the drop to be logged", func() bool { return strings.Contains(logs.String(), "connection dropped") })

			push := newSocket(t, zmq.PUSH)
			connect(t, push, ep)
			send(t, push, "still", "here")
			expect(t, pull, "still", "here")
		})
	}
}

// The same refusals reach a socket mounted on an http.Server.
func TestWebSocketHandlerBadPeers(t *testing.T) {
	pull := newSocket(t, zmq.PULL, zmq.WithMaxMsgSize(1024))
	addr := serveHTTP(t, pull.WebSocketHandler())
	ep := "ws://" + addr + "/zmq"

	bad := dialRawWS(t, ep)
	if status := bad.upgrade(upgradeRequest("/zmq", zws.ProtocolPlain)); status != http.StatusBadRequest {
		t.Fatalf("wrong subprotocol answered %d", status)
	}
	big := dialRawWS(t, ep)
	big.ready("PUSH")
	big.raw(true, zws.OpBinary, append([]byte{0}, bytes.Repeat([]byte("x"), 2000)...))
	if code := big.closedBySocket(); code != zws.CloseTooBig {
		t.Fatalf("close status %d", code)
	}
	eventually(t, "the drops to be counted", func() bool {
		s := pull.Stats()
		return s.ProtocolErrors == 1 && s.OversizedMessages == 1
	})
	push := newSocket(t, zmq.PUSH)
	connect(t, push, ep)
	send(t, push, "fine")
	expect(t, pull, "fine")
}

// A peer that closes the WebSocket gets its close frame answered, and the
// socket serves the next peer.
func TestWebSocketPeerCloses(t *testing.T) {
	pull := newSocket(t, zmq.PULL)
	ep := bind(t, pull, "ws://127.0.0.1:*/zmq")
	p := dialRawWS(t, ep)
	p.ready("PUSH")
	p.raw(true, zws.OpBinary, []byte("\x00bye"))
	p.raw(true, zws.OpClose, zws.AppendClose(nil, zws.CloseGoingAway, "done"))
	if code := p.closedBySocket(); code != zws.CloseGoingAway {
		t.Fatalf("close answered with %d, want the peer's %d echoed", code, zws.CloseGoingAway)
	}
	expect(t, pull, "bye")
	if s := pull.Stats(); s != (zmq.Stats{}) {
		t.Fatalf("an orderly close was counted: %+v", s)
	}
}
