package zmq_test

import (
	"encoding/binary"
	"errors"
	"io"
	"net"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/purezmq/zmq"
	"github.com/purezmq/zmq/internal/zmtp"
)

// oldPeer is a hand-driven ZMTP 2.0 or unversioned ZMTP 1.0 peer over tcp.
type oldPeer struct {
	t       *testing.T
	conn    net.Conn
	v1      bool
	framing zmtp.Framing
}

// dialOld connects to endpoint as an old peer of the given ZMTP major
// version (1 or 2) and socket type (its ZMTP 2.0 byte) with identity id,
// and reads our greeting and identity.
func dialOld(t *testing.T, endpoint string, major int, typ byte, id string) *oldPeer {
	t.Helper()
	conn, err := net.Dial("tcp", strings.TrimPrefix(endpoint, "tcp://"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	p := &oldPeer{t: t, conn: conn, v1: major == 1, framing: zmtp.FramingV2}
	if p.v1 {
		p.framing = zmtp.FramingV1
	}
	p.greet(typ, id)
	return p
}

// greet sends this peer's greeting and identity, and reads the socket's: a
// ZMTP 1.0 peer reads our signature as the header of our identity frame.
func (p *oldPeer) greet(typ byte, id string) {
	p.t.Helper()
	if p.v1 {
		p.write(p.framing.AppendHeader(nil, 0, len(id)))
	} else {
		p.write(zmtp.AppendSignature(nil, len(id)))
		p.write([]byte{1, typ})
		p.write(p.framing.AppendHeader(nil, 0, len(id)))
	}
	p.write([]byte(id))
	sig := p.read(zmtp.SignatureLen)
	if sig[0] != 0xFF || sig[9] != 0x7F {
		p.t.Fatalf("socket's signature % x", sig)
	}
	if p.v1 {
		p.read(int(binary.BigEndian.Uint64(sig[1:9])) - 1) // our identity's body
		return
	}
	p.read(2) // revision, socket type
	p.readFrame()
}

func (p *oldPeer) write(b []byte) {
	p.t.Helper()
	if _, err := p.conn.Write(b); err != nil {
		p.t.Fatalf("old peer write: %v", err)
	}
}

func (p *oldPeer) read(n int) []byte {
	p.t.Helper()
	b, err := p.tryRead(n)
	if err != nil {
		p.t.Fatalf("old peer read: %v", err)
	}
	return b
}

// tryRead is read for a goroutine of its own, which may not fail the test.
func (p *oldPeer) tryRead(n int) ([]byte, error) {
	b := make([]byte, n)
	_ = p.conn.SetReadDeadline(time.Now().Add(testTimeout))
	_, err := io.ReadFull(p.conn, b)
	return b, err
}

func (p *oldPeer) readFrame() (flags byte, body []byte) {
	p.t.Helper()
	flags, body, err := p.tryReadFrame()
	if err != nil {
		p.t.Fatal(err)
	}
	return flags, body
}

func (p *oldPeer) tryReadFrame() (flags byte, body []byte, err error) {
	var hdr []byte
	for {
		b, err := p.tryRead(1)
		if err != nil {
			return 0, nil, err
		}
		hdr = append(hdr, b...)
		flags, size, n, err := p.framing.ParseHeader(hdr)
		if err != nil {
			return 0, nil, err
		}
		if n > 0 {
			body, err := p.tryRead(int(size))
			return flags, body, err
		}
	}
}

func (p *oldPeer) send(frames ...string) {
	p.t.Helper()
	var b []byte
	for i, f := range frames {
		flags := byte(0)
		if i < len(frames)-1 {
			flags = zmtp.FlagMore
		}
		b = append(p.framing.AppendHeader(b, flags, len(f)), f...)
	}
	p.write(b)
}

func (p *oldPeer) recv() []string {
	p.t.Helper()
	frames, err := p.tryRecv()
	if err != nil {
		p.t.Fatal(err)
	}
	return frames
}

func (p *oldPeer) tryRecv() ([]string, error) {
	var frames []string
	for {
		flags, body, err := p.tryReadFrame()
		if err != nil {
			return frames, err
		}
		frames = append(frames, string(body))
		if flags&zmtp.FlagMore == 0 {
			return frames, nil
		}
	}
}

// Socket-type bytes of ZMTP 2.0 greetings.
const (
	typePUB    = 1
	typeSUB    = 2
	typeREQ    = 3
	typeREP    = 4
	typeDEALER = 5
	typePUSH   = 8
)

func TestZMTP20PeerPushes(t *testing.T) {
	pull := newSocket(t, zmq.PULL)
	p := dialOld(t, bind(t, pull, "tcp://127.0.0.1:*"), 2, typePUSH, "")
	big := strings.Repeat("b", 300)
	p.send("small", big)
	m, err := pull.Recv(ctxT(t))
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Frames) != 2 || string(m.Frames[0]) != "small" || string(m.Frames[1]) != big {
		t.Fatalf("received %q", m.Frames)
	}
	if typ, _ := m.Property("Socket-Type"); typ != "PUSH" {
		t.Fatalf("Socket-Type %q", typ)
	}
	if addr, _ := m.Property("Peer-Address"); addr != "127.0.0.1" {
		t.Fatalf("Peer-Address %q", addr)
	}
}

// libzmq 2.x peers (unversioned ZMTP 1.0) are refused by default and
// taken with WithMinZMTPVersion(1).
func TestZMTP10PeerNeedsOptingIn(t *testing.T) {
	pull := newSocket(t, zmq.PULL)
	ep := bind(t, pull, "tcp://127.0.0.1:*")
	refused := dialRaw(t, ep)
	refused.write([]byte{6, 0, 'o', 'l', 'd', 'i', 'e'})
	refused.closedBySocket()
	eventually(t, "the refusal to be counted", func() bool { return pull.Stats().ProtocolErrors == 1 })

	if err := pull.SetOptions(zmq.WithMinZMTPVersion(1)); err != nil {
		t.Fatal(err)
	}
	p := dialOld(t, ep, 1, 0, "oldie")
	p.send("from", "libzmq 2")
	expect(t, pull, "from", "libzmq 2")
}

// A ROUTER learns an old peer's routing id from the identity it sends as
// its first frame, and routes replies by it.
func TestOldPeerIdentityRoutes(t *testing.T) {
	for _, major := range []int{1, 2} {
		router := newSocket(t, zmq.ROUTER, zmq.WithMinZMTPVersion(1))
		p := dialOld(t, bind(t, router, "tcp://127.0.0.1:*"), major, typeDEALER, "old-one")
		p.send("hi")
		m, err := router.Recv(ctxT(t))
		if err != nil {
			t.Fatal(err)
		}
		if len(m.Frames) != 2 || string(m.Frames[0]) != "old-one" || string(m.Frames[1]) != "hi" {
			t.Fatalf("ZMTP %d: ROUTER received %q", major, m.Frames)
		}
		send(t, router, "old-one", "back", "to you")
		if got := p.recv(); len(got) != 2 || got[0] != "back" || got[1] != "to you" {
			t.Fatalf("ZMTP %d: peer received %q", major, got)
		}
	}
}

// A libzmq 2.x subscriber filters by itself and sends no subscriptions:
// a publisher sends it everything, as libzmq does.
func TestZMTP10SubscriberGetsEverything(t *testing.T) {
	pub := newSocket(t, zmq.PUB, zmq.WithMinZMTPVersion(1))
	p := dialOld(t, bind(t, pub, "tcp://127.0.0.1:*"), 1, 0, "")
	type result struct {
		frames []string
		err    error
	}
	got := make(chan result, 1)
	go func() {
		frames, err := p.tryRecv()
		got <- result{frames, err}
	}()
	// Until the subscription the engine made up for the peer is applied,
	// the publisher drops what it sends.
	deadline := time.After(testTimeout)
	for {
		send(t, pub, "any topic", "news")
		select {
		case r := <-got:
			if r.err != nil || len(r.frames) != 2 || r.frames[0] != "any topic" {
				t.Fatalf("subscriber received %q (%v)", r.frames, r.err)
			}
			return
		case <-time.After(10 * time.Millisecond):
		case <-deadline:
			t.Fatal("the subscriber received nothing")
		}
	}
}

// To a ZMTP 2.0 publisher, subscriptions go as "\x01topic" and "\x00topic"
// messages (RFC 15).
func TestSubscriptionsToZMTP20Publisher(t *testing.T) {
	sub := newSocket(t, zmq.SUB)
	p := dialOld(t, bind(t, sub, "tcp://127.0.0.1:*"), 2, typePUB, "")
	if err := sub.Subscribe("a"); err != nil {
		t.Fatal(err)
	}
	if got := p.recv(); len(got) != 1 || got[0] != "\x01a" {
		t.Fatalf("publisher received %q", got)
	}
	p.send("b", "filtered out")
	p.send("a", "news")
	expect(t, sub, "a", "news")
	if err := sub.Unsubscribe("a"); err != nil {
		t.Fatal(err)
	}
	if got := p.recv(); len(got) != 1 || got[0] != "\x00a" {
		t.Fatalf("publisher received %q", got)
	}
}

// A connecting socket talks to an old peer that binds: here a REQ to a
// hand-driven ZMTP 2.0 REP.
func TestConnectToZMTP20Peer(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	req := newSocket(t, zmq.REQ)
	connect(t, req, "tcp://"+l.Addr().String())
	conn, err := l.Accept()
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	p := &oldPeer{t: t, conn: conn, framing: zmtp.FramingV2}
	p.greet(typeREP, "server")
	send(t, req, "question")
	if got := p.recv(); len(got) != 2 || got[0] != "" || got[1] != "question" {
		t.Fatalf("REP received %q", got)
	}
	p.send("", "answer")
	expect(t, req, "answer")
}

// There is no PING before ZMTP 3.0: a socket with heartbeats sends none to
// an old peer and does not time it out for the PONGs it cannot send.
func TestNoHeartbeatsToOldPeers(t *testing.T) {
	pull := newSocket(t, zmq.PULL, zmq.WithHeartbeat(10*time.Millisecond, 30*time.Millisecond, 0))
	p := dialOld(t, bind(t, pull, "tcp://127.0.0.1:*"), 2, typePUSH, "")
	// Ten heartbeat timeouts: a PING would have come, or the peer been
	// dropped.
	_ = p.conn.SetReadDeadline(time.Now().Add(300 * time.Millisecond))
	var b [1]byte
	if n, err := p.conn.Read(b[:]); !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("peer read %d bytes (%v) while idle", n, err)
	}
	p.send("still here")
	expect(t, pull, "still here")
	if s := pull.Stats(); s.HeartbeatTimeouts != 0 {
		t.Fatalf("stats %+v", s)
	}
}

func TestWithMinZMTPVersionRange(t *testing.T) {
	for _, v := range []int{0, 4, -1} {
		if _, err := zmq.NewSocket(zmq.PULL, zmq.WithMinZMTPVersion(v)); !errors.Is(err, zmq.ErrInvalid) {
			t.Errorf("WithMinZMTPVersion(%d): %v", v, err)
		}
	}
}
