package zmq_test

import (
	"errors"
	"testing"
	"time"

	"github.com/purezmq/zmq"
	"github.com/purezmq/zmq/internal/zmtp"
)

// A PEER learns the id of the peer it connects to before the connection is
// up, and either side may speak first.
func TestPeerConnectPeer(t *testing.T) {
	for _, tr := range transportsAll {
		t.Run(tr, func(t *testing.T) {
			a := newSocket(t, zmq.PEER)
			b := newSocket(t, zmq.PEER)
			c := newSocket(t, zmq.PEER)
			epB := bind(t, b, endpointFor(t, tr))
			epC := bind(t, c, endpointFor(t, tr))
			idB, err := a.ConnectPeer(epB)
			if err != nil {
				t.Fatal(err)
			}
			idC, err := a.ConnectPeer(epC)
			if err != nil {
				t.Fatal(err)
			}
			if idB == 0 || idC == 0 || idB == idC {
				t.Fatalf("ids %d and %d", idB, idC)
			}
			// Queued before the connections are up, then delivered.
			sendMsg(t, a, routed(idB, "to b"))
			sendMsg(t, a, routed(idC, "to c"))
			mb, mc := recvMsg(t, b), recvMsg(t, c)
			if mb.String() != "to b" || mc.String() != "to c" {
				t.Fatalf("b got %q, c got %q", mb.Frames, mc.Frames)
			}
			// Each answers by the id its message came with.
			sendMsg(t, b, routed(mb.RoutingID, "from b"))
			sendMsg(t, c, routed(mc.RoutingID, "from c"))
			got := map[uint32]string{}
			for i := 0; i < 2; i++ {
				m := recvMsg(t, a)
				got[m.RoutingID] = m.String()
			}
			if got[idB] != "from b" || got[idC] != "from c" {
				t.Fatalf("a got %v, want from b on %d and from c on %d", got, idB, idC)
			}
		})
	}
}

func TestPeerErrors(t *testing.T) {
	peer := newSocket(t, zmq.PEER, zmq.WithImmediate(true))
	if _, err := peer.ConnectPeer("tcp://127.0.0.1:5555"); !errors.Is(err, zmq.ErrInvalid) {
		t.Fatalf("ConnectPeer with WithImmediate: %v, want ErrInvalid", err)
	}
	plain := newSocket(t, zmq.PEER)
	if _, err := plain.ConnectPeer("tcp://127.0.0.1"); !errors.Is(err, zmq.ErrEndpoint) {
		t.Fatalf("ConnectPeer to a bad endpoint: %v, want ErrEndpoint", err)
	}
	if err := plain.Send(ctxT(t), routed(7, "nobody")); !errors.Is(err, zmq.ErrHostUnreachable) {
		t.Fatalf("send to an unknown id: %v, want ErrHostUnreachable", err)
	}
	server := newSocket(t, zmq.SERVER)
	if _, err := server.ConnectPeer("tcp://127.0.0.1:5555"); !errors.Is(err, zmq.ErrNotSupported) {
		t.Fatalf("ConnectPeer on a SERVER: %v, want ErrNotSupported", err)
	}
	plain.Close()
	if _, err := plain.ConnectPeer("tcp://127.0.0.1:5555"); !errors.Is(err, zmq.ErrClosed) {
		t.Fatalf("ConnectPeer after Close: %v, want ErrClosed", err)
	}
}

// On the wire a PEER is libzmq's: Socket-Type PEER, each message one frame,
// a multipart one from the peer drops it.
func TestPeerWireRules(t *testing.T) {
	peer := newSocket(t, zmq.PEER)
	ep := bind(t, peer, "tcp://127.0.0.1:*")
	raw := dialRaw(t, ep)
	raw.handshake("PEER")
	if flags, body := raw.readFrame(); flags != zmtp.FlagCommand || !containsAll(body, "READY", "Socket-Type", "PEER") {
		t.Fatalf("READY: flags %#x %q", flags, body)
	}
	raw.write(zmtp.AppendFrame(nil, 0, []byte("hello")))
	m := recvMsg(t, peer)
	if m.String() != "hello" || m.RoutingID == 0 {
		t.Fatalf("got %q from %d", m.Frames, m.RoutingID)
	}
	sendMsg(t, peer, routed(m.RoutingID, "hello back"))
	if flags, body := raw.readFrame(); flags != 0 || string(body) != "hello back" {
		t.Fatalf("reply: flags %#x %q", flags, body)
	}
	raw.write(zmtp.AppendFrame(zmtp.AppendFrame(nil, zmtp.FlagMore, []byte("two")), 0, []byte("parts")))
	raw.closedBySocket()
	eventually(t, "the drop to be counted", func() bool { return peer.Stats().ProtocolErrors == 1 })
	eventually(t, "the peer's id to go", func() bool {
		return errors.Is(peer.Send(ctxT(t), routed(m.RoutingID, "gone?")), zmq.ErrHostUnreachable)
	})
	// A SERVER may not talk to a PEER.
	raw2 := dialRaw(t, ep)
	raw2.handshake("SERVER")
	if got := raw2.closedBySocket(); !containsAll(got, "ERROR", "Invalid socket type") {
		t.Fatalf("a SERVER was answered %q", got)
	}
}

func containsAll(b []byte, parts ...string) bool {
	for _, p := range parts {
		if !bytesContains(b, p) {
			return false
		}
	}
	return true
}

func bytesContains(b []byte, s string) bool {
	for i := 0; i+len(s) <= len(b); i++ {
		if string(b[i:i+len(s)]) == s {
			return true
		}
	}
	return false
}

// CHANNEL is the single-part PAIR: one peer, a second refused.
func TestChannel(t *testing.T) {
	for _, tr := range transportsAll {
		t.Run(tr, func(t *testing.T) {
			a := newSocket(t, zmq.CHANNEL)
			ep := bind(t, a, endpointFor(t, tr))
			b := newSocket(t, zmq.CHANNEL)
			connect(t, b, ep)
			send(t, b, "ping")
			expect(t, a, "ping")
			send(t, a, "pong")
			expect(t, b, "pong")
			if err := a.Send(ctxT(t), zmq.NewMsgString("two", "parts")); !errors.Is(err, zmq.ErrInvalid) {
				t.Fatalf("multipart send: %v, want ErrInvalid", err)
			}
			third := newSocket(t, zmq.CHANNEL)
			connect(t, third, ep)
			send(t, third, "ignored")
			if m, err := tryRecv(a, 100*time.Millisecond); err == nil {
				t.Fatalf("a second peer got through: %q", m.Frames)
			}
		})
	}
}

// SCATTER is the single-part PUSH and GATHER the single-part PULL.
func TestScatterGather(t *testing.T) {
	for _, tr := range transportsAll {
		t.Run(tr, func(t *testing.T) {
			scatter := newSocket(t, zmq.SCATTER)
			ep := bind(t, scatter, endpointFor(t, tr))
			gathers := []*zmq.Socket{newSocket(t, zmq.GATHER), newSocket(t, zmq.GATHER)}
			for _, g := range gathers {
				connect(t, g, ep)
			}
			// Wait for both, so the round-robin spans them.
			for i, g := range gathers {
				untilReceived(t, scatter, g, i)
			}
			for i := 0; i < 6; i++ {
				send(t, scatter, "work")
			}
			for _, g := range gathers {
				for i := 0; i < 3; i++ {
					m := recvMsg(t, g)
					for m.String() == "probe" { // sent while waiting
						m = recvMsg(t, g)
					}
					if m.String() != "work" {
						t.Fatalf("got %q", m.Frames)
					}
				}
			}
			if err := scatter.Send(ctxT(t), zmq.NewMsgString("a", "b")); !errors.Is(err, zmq.ErrInvalid) {
				t.Fatalf("multipart send: %v, want ErrInvalid", err)
			}
			if _, err := scatter.Recv(ctxT(t)); !errors.Is(err, zmq.ErrNotSupported) {
				t.Fatalf("SCATTER Recv: %v", err)
			}
			if err := gathers[0].Send(ctxT(t), zmq.NewMsgString("x")); !errors.Is(err, zmq.ErrNotSupported) {
				t.Fatalf("GATHER Send: %v", err)
			}
		})
	}
}

// untilReceived sends probes from scatter until g has one.
func untilReceived(t *testing.T, scatter, g *zmq.Socket, n int) {
	t.Helper()
	deadline := time.Now().Add(testTimeout)
	for {
		if time.Now().After(deadline) {
			t.Fatalf("GATHER %d never connected", n)
		}
		send(t, scatter, "probe")
		if _, err := tryRecv(g, pollInterval); err == nil {
			return
		}
	}
}

// On the wire a CHANNEL is libzmq's: Socket-Type CHANNEL, one frame a
// message, a multipart message from the peer drops it, and a second peer
// is turned away while the first is there.
func TestChannelWireRules(t *testing.T) {
	ch := newSocket(t, zmq.CHANNEL)
	ep := bind(t, ch, "tcp://127.0.0.1:*")
	raw := dialRaw(t, ep)
	raw.handshake("CHANNEL")
	if flags, body := raw.readFrame(); flags != zmtp.FlagCommand || !containsAll(body, "READY", "Socket-Type", "CHANNEL") {
		t.Fatalf("READY: flags %#x %q", flags, body)
	}
	raw.write(zmtp.AppendFrame(nil, 0, []byte("ping")))
	expect(t, ch, "ping")
	send(t, ch, "pong")
	if flags, body := raw.readFrame(); flags != 0 || string(body) != "pong" {
		t.Fatalf("got flags %#x %q", flags, body)
	}
	second := dialRaw(t, ep)
	second.handshake("CHANNEL")
	second.closedBySocket()
	raw.write(zmtp.AppendFrame(zmtp.AppendFrame(nil, zmtp.FlagMore, []byte("two")), 0, []byte("parts")))
	raw.closedBySocket()
	eventually(t, "the drop to be counted", func() bool { return ch.Stats().ProtocolErrors == 1 })
	// With the first peer gone, a new one is taken.
	third := newSocket(t, zmq.CHANNEL)
	connect(t, third, ep)
	send(t, third, "again")
	expect(t, ch, "again")
}
