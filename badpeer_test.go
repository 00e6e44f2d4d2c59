package zmq_test

import (
	"bytes"
	"encoding/binary"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/purezmq/zmq"
	"github.com/purezmq/zmq/internal/zmtp"
)

// rawPeer is a hand-driven ZMTP peer for feeding a socket bad input.
type rawPeer struct {
	t    *testing.T
	conn net.Conn
}

func dialRaw(t *testing.T, endpoint string) *rawPeer {
	t.Helper()
	conn, err := net.Dial("tcp", strings.TrimPrefix(endpoint, "tcp://"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return &rawPeer{t: t, conn: conn}
}

func (p *rawPeer) write(b []byte) {
	p.t.Helper()
	if _, err := p.conn.Write(b); err != nil {
		p.t.Fatalf("raw write: %v", err)
	}
}

// handshake sends a NULL greeting and READY as socketType and reads the
// socket's greeting and READY.
func (p *rawPeer) handshake(socketType string) {
	p.t.Helper()
	p.write(zmtp.Greeting{Major: 3, Minor: 1, Mechanism: "NULL"}.Append(nil))
	p.write(zmtp.AppendCommand(nil, zmtp.CmdReady, zmtp.AppendMetadata(nil, zmtp.Metadata{{Name: "Socket-Type", Value: socketType}})))
	greeting := make([]byte, zmtp.GreetingSize)
	if _, err := io.ReadFull(p.conn, greeting); err != nil {
		p.t.Fatalf("reading greeting: %v", err)
	}
}

// handshakeQuiet is handshake for a peer served in its own goroutine: it
// reports failure by closing instead of failing the test.
func (p *rawPeer) handshakeQuiet(socketType string) {
	p.conn.Write(zmtp.Greeting{Major: 3, Minor: 1, Mechanism: "NULL"}.Append(nil))
	p.conn.Write(zmtp.AppendCommand(nil, zmtp.CmdReady, zmtp.AppendMetadata(nil, zmtp.Metadata{{Name: "Socket-Type", Value: socketType}})))
}

// closedBySocket waits until the socket hangs up on the peer and returns
// everything the peer received.
func (p *rawPeer) closedBySocket() []byte {
	p.t.Helper()
	_ = p.conn.SetReadDeadline(time.Now().Add(testTimeout))
	got, err := io.ReadAll(p.conn)
	if err != nil && !isReset(err) {
		p.t.Fatalf("socket did not hang up: %v", err)
	}
	return got
}

func isReset(err error) bool {
	return strings.Contains(err.Error(), "connection reset")
}

func frameHeader(flags byte, size uint64) []byte {
	b := []byte{flags | zmtp.FlagLong, 0, 0, 0, 0, 0, 0, 0, 0}
	binary.BigEndian.PutUint64(b[1:], size)
	return b
}

// eventually polls cond until it holds or the deadline passes.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(testTimeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestBadPeersAreDropped(t *testing.T) {
	greeting := zmtp.Greeting{Major: 3, Minor: 1, Mechanism: "NULL"}.Append(nil)
	cases := []struct {
		name  string
		opts  []zmq.Option
		feed  func(p *rawPeer)
		stat  func(zmq.Stats) int64
		reply string // the socket's answer must contain this
	}{
		{"garbage greeting", nil, func(p *rawPeer) {
			p.write(bytes.Repeat([]byte{'G'}, 64))
		}, protocolErrors, ""},
		{"ZMTP 2.0 peer", nil, func(p *rawPeer) {
			p.write([]byte{0xff, 0, 0, 0, 0, 0, 0, 0, 1, 0x7f, 1, 5})
		}, protocolErrors, ""},
		{"unknown mechanism", nil, func(p *rawPeer) {
			p.write(zmtp.Greeting{Major: 3, Minor: 1, Mechanism: "FOO"}.Append(nil))
		}, protocolErrors, ""},
		{"incompatible socket type", nil, func(p *rawPeer) {
			p.handshake("PUB")
		}, protocolErrors, "Invalid socket type"},
		{"frame over max size", []zmq.Option{zmq.WithMaxMsgSize(1024)}, func(p *rawPeer) {
			p.handshake("PUSH")
			p.write(frameHeader(0, 1<<20))
		}, func(s zmq.Stats) int64 { return s.OversizedMessages }, ""},
		{"length near 2^63", nil, func(p *rawPeer) {
			p.handshake("PUSH")
			p.write(frameHeader(0, 1<<63-1))
		}, protocolErrors, ""},
		{"length with top bit", nil, func(p *rawPeer) {
			p.handshake("PUSH")
			p.write(frameHeader(0, 1<<63))
		}, protocolErrors, ""},
		{"stalled handshake", []zmq.Option{zmq.WithHandshakeTimeout(100 * time.Millisecond)}, func(p *rawPeer) {
			p.write(greeting[:20])
		}, func(s zmq.Stats) int64 { return s.HandshakeTimeouts }, ""},
		{"bad command", nil, func(p *rawPeer) {
			p.write(greeting)
			p.write([]byte{zmtp.FlagCommand, 3, 200, 'x', 'y'})
		}, protocolErrors, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			pull := newSocket(t, zmq.PULL, c.opts...)
			ep := bind(t, pull, "tcp://127.0.0.1:*")
			bad := dialRaw(t, ep)
			c.feed(bad)
			got := bad.closedBySocket()
			if !bytes.Contains(got, []byte(c.reply)) {
				t.Errorf("socket sent %q, want it to contain %q", got, c.reply)
			}
			if c.stat != nil {
				eventually(t, "the drop to be counted", func() bool { return c.stat(pull.Stats()) > 0 })
			}
			// The socket keeps serving good peers.
			push := newSocket(t, zmq.PUSH)
			connect(t, push, ep)
			send(t, push, "still", "here")
			expect(t, pull, "still", "here")
		})
	}
}

func protocolErrors(s zmq.Stats) int64 { return s.ProtocolErrors }

func TestPeerCannotSpoofTrustedProperties(t *testing.T) {
	pull := newSocket(t, zmq.PULL)
	ep := bind(t, pull, "tcp://127.0.0.1:*")
	p := dialRaw(t, ep)
	p.write(zmtp.Greeting{Major: 3, Minor: 1, Mechanism: "NULL"}.Append(nil))
	p.write(zmtp.AppendCommand(nil, zmtp.CmdReady, zmtp.AppendMetadata(nil, zmtp.Metadata{
		{Name: "Socket-Type", Value: "PUSH"},
		{Name: "Peer-Address", Value: "10.9.8.7"},
		{Name: "User-Id", Value: "admin"},
	})))
	p.write(zmtp.AppendFrame(nil, 0, []byte("hi")))
	m, err := pull.Recv(ctxT(t))
	if err != nil {
		t.Fatal(err)
	}
	if addr, _ := m.Property("Peer-Address"); addr != "127.0.0.1" {
		t.Errorf("Peer-Address = %q, want the real 127.0.0.1", addr)
	}
	if uid, ok := m.Property("User-Id"); ok {
		t.Errorf("User-Id = %q taken from the peer", uid)
	}
}
