package ws

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/purezmq/zmq"
)

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	t.Cleanup(cancel)
	return ctx
}

func newSocket(t *testing.T, typ zmq.Type, opts ...zmq.Option) *zmq.Socket {
	t.Helper()
	s, err := zmq.NewSocket(typ, append([]zmq.Option{zmq.WithLinger(0)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func send(t *testing.T, s *zmq.Socket, frames ...string) {
	t.Helper()
	if err := s.Send(ctxT(t), zmq.NewMsgString(frames...)); err != nil {
		t.Fatalf("Send(%q): %v", frames, err)
	}
}

func recv(t *testing.T, s *zmq.Socket) []string {
	t.Helper()
	m, err := s.Recv(ctxT(t))
	if err != nil {
		t.Fatalf("Recv: %v", err)
	}
	out := make([]string, len(m.Frames))
	for i, f := range m.Frames {
		out[i] = string(f)
	}
	return out
}

func want(t *testing.T, who string, got []string, frames ...string) {
	t.Helper()
	if frameList(got) != frameList(frames) {
		t.Fatalf("%s received %s, want %s", who, frameList(got), frameList(frames))
	}
}

// join connects ours and theirs over ws, the one or the other binding.
func join(t *testing.T, ours *zmq.Socket, theirs *nodePeer, oursBinds bool) {
	t.Helper()
	if oursBinds {
		if err := ours.Bind("ws://127.0.0.1:*/zmq"); err != nil {
			t.Fatal(err)
		}
		theirs.connect(ours.LastEndpoint())
		return
	}
	ep := theirs.bind("ws://127.0.0.1:*/zmq")
	if !strings.HasPrefix(ep, "ws://127.0.0.1:") {
		t.Fatalf("libzmq bound %q", ep)
	}
	if err := ours.Connect(ep); err != nil {
		t.Fatal(err)
	}
}

// exchange runs a pattern's conversation between our socket and libzmq's.
type exchange func(t *testing.T, ours *zmq.Socket, theirs *nodePeer)

var libzmqPatterns = []struct {
	ours   zmq.Type
	theirs string
	run    exchange
}{
	{zmq.REQ, "Reply", func(t *testing.T, ours *zmq.Socket, theirs *nodePeer) {
		done := theirs.echo(3)
		for i := range 3 {
			send(t, ours, fmt.Sprint("request ", i), "two")
			want(t, "REQ", recv(t, ours), fmt.Sprint("request ", i), "two")
		}
		done()
	}},
	{zmq.REP, "Request", func(t *testing.T, ours *zmq.Socket, theirs *nodePeer) {
		for i := range 3 {
			theirs.send(fmt.Sprint("request ", i))
			want(t, "REP", recv(t, ours), fmt.Sprint("request ", i))
			send(t, ours, "reply", "")
			want(t, "libzmq REQ", theirs.recv(), "reply", "")
		}
	}},
	{zmq.PUSH, "Pull", func(t *testing.T, ours *zmq.Socket, theirs *nodePeer) {
		send(t, ours, "job", "1")
		want(t, "libzmq PULL", theirs.recv(), "job", "1")
	}},
	{zmq.PULL, "Push", func(t *testing.T, ours *zmq.Socket, theirs *nodePeer) {
		theirs.send("job", "2")
		want(t, "PULL", recv(t, ours), "job", "2")
	}},
	{zmq.PUB, "Subscriber", func(t *testing.T, ours *zmq.Socket, theirs *nodePeer) {
		theirs.subscribe("news")
		// Publish until the subscription has reached us.
		for i := 0; ; i++ {
			send(t, ours, "sport", "skipped")
			send(t, ours, "news", fmt.Sprint(i))
			if got, ok := theirs.tryRecv(100 * time.Millisecond); ok {
				want(t, "libzmq SUB", got[:1], "news")
				break
			}
			if i > 100 {
				t.Fatal("the subscription never reached the publisher")
			}
		}
		send(t, ours, "sport", "skipped")
		send(t, ours, "news", "last")
		for {
			got := theirs.recv()
			if got[0] != "news" {
				t.Fatalf("libzmq SUB received %q: not filtered", got)
			}
			if got[1] == "last" {
				break
			}
		}
	}},
	{zmq.SUB, "Publisher", func(t *testing.T, ours *zmq.Socket, theirs *nodePeer) {
		if err := ours.Subscribe("news"); err != nil {
			t.Fatal(err)
		}
		for i := 0; ; i++ {
			theirs.send("sport", "skipped")
			theirs.send("news", "flash")
			m, err := tryRecv(ours, 100*time.Millisecond)
			if err == nil {
				want(t, "SUB", m, "news", "flash")
				break
			}
			if i > 100 {
				t.Fatal("the subscription never reached the publisher")
			}
		}
	}},
	{zmq.DEALER, "Router", func(t *testing.T, ours *zmq.Socket, theirs *nodePeer) {
		done := theirs.echo(2)
		for i := range 2 {
			send(t, ours, fmt.Sprint("hello ", i))
			want(t, "DEALER", recv(t, ours), fmt.Sprint("hello ", i))
		}
		done()
	}},
	{zmq.ROUTER, "Dealer", func(t *testing.T, ours *zmq.Socket, theirs *nodePeer) {
		theirs.send("hello")
		got := recv(t, ours)
		if len(got) != 2 || got[1] != "hello" {
			t.Fatalf("ROUTER received %q", got)
		}
		send(t, ours, got[0], "welcome")
		want(t, "libzmq DEALER", theirs.recv(), "welcome")
	}},
}

func tryRecv(s *zmq.Socket, d time.Duration) ([]string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	m, err := s.Recv(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]string, len(m.Frames))
	for i, f := range m.Frames {
		out[i] = string(f)
	}
	return out, nil
}

// REQ/REP, PUSH/PULL, PUB/SUB, DEALER/ROUTER over ws with libzmq 4.3.5:
// purezmq on either side of each, and either side binding.
func TestLibzmqPatterns(t *testing.T) {
	for _, p := range libzmqPatterns {
		for _, oursBinds := range []bool{true, false} {
			name := fmt.Sprintf("%v-with-libzmq-%s", p.ours, p.theirs)
			if oursBinds {
				name += "/ours-binds"
			} else {
				name += "/libzmq-binds"
			}
			t.Run(name, func(t *testing.T) {
				ours := newSocket(t, p.ours)
				theirs := startNode(t, p.theirs, nil)
				join(t, ours, theirs, oursBinds)
				p.run(t, ours, theirs)
			})
		}
	}
}

// CURVE over ws: each library as server and as client.
func TestLibzmqCurve(t *testing.T) {
	serverPub, serverSec, _ := zmq.NewCurveKeyPair()
	clientPub, clientSec, _ := zmq.NewCurveKeyPair()
	for _, oursServes := range []bool{true, false} {
		for _, oursBinds := range []bool{true, false} {
			name := map[bool]string{true: "ours-serves", false: "libzmq-serves"}[oursServes] +
				map[bool]string{true: "/ours-binds", false: "/libzmq-binds"}[oursBinds]
			t.Run(name, func(t *testing.T) {
				var ours *zmq.Socket
				var theirs *nodePeer
				if oursServes {
					ours = newSocket(t, zmq.REP, zmq.WithCurveServer(serverSec))
					theirs = startNode(t, "Request", map[string]any{"curveServerKey": serverPub, "curvePublicKey": clientPub, "curveSecretKey": clientSec})
				} else {
					ours = newSocket(t, zmq.REP, zmq.WithCurveClient(serverPub, clientPub, clientSec))
					theirs = startNode(t, "Request", map[string]any{"curveServer": true, "curveSecretKey": serverSec})
				}
				join(t, ours, theirs, oursBinds)
				theirs.send("sealed request")
				m, err := ours.Recv(ctxT(t))
				if err != nil {
					t.Fatal(err)
				}
				if oursServes {
					if uid, _ := m.Property("User-Id"); uid != "" && uid != clientPub {
						t.Fatalf("User-Id %q", uid)
					}
				}
				want(t, "REP", []string{m.String()}, "sealed request")
				send(t, ours, "sealed reply")
				want(t, "libzmq REQ", theirs.recv(), "sealed reply")
			})
		}
	}
}

// A CURVE client with the wrong server key gets nowhere, either way.
func TestLibzmqCurveRefused(t *testing.T) {
	_, serverSec, _ := zmq.NewCurveKeyPair()
	otherPub, _, _ := zmq.NewCurveKeyPair()
	clientPub, clientSec, _ := zmq.NewCurveKeyPair()
	ours := newSocket(t, zmq.PULL, zmq.WithCurveServer(serverSec))
	mon := ours.Monitor(zmq.EventHandshakeFailedProtocol | zmq.EventHandshakeFailedNoDetail | zmq.EventHandshakeFailedAuth | zmq.EventHandshakeSucceeded)
	theirs := startNode(t, "Push", map[string]any{"curveServerKey": otherPub, "curvePublicKey": clientPub, "curveSecretKey": clientSec})
	join(t, ours, theirs, true)
	select {
	case e := <-mon.C:
		if e.Type == zmq.EventHandshakeSucceeded {
			t.Fatalf("a client with the wrong server key got in: %v", e)
		}
	case <-time.After(timeout):
		t.Fatal("no handshake outcome")
	}
	if _, err := tryRecv(ours, 200*time.Millisecond); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Recv: %v", err)
	}
}

// Frames across WebSocket's length boundaries (125/126, 65535/65536) and
// large ones, both ways, every byte checked.
func TestLibzmqFrameSizes(t *testing.T) {
	sizes := []int{0, 1, 124, 125, 126, 127, 255, 256, 65534, 65535, 65536, 1 << 20, 4<<20 + 3}
	for _, oursBinds := range []bool{true, false} {
		t.Run(map[bool]string{true: "ours-binds", false: "libzmq-binds"}[oursBinds], func(t *testing.T) {
			ours := newSocket(t, zmq.DEALER)
			theirs := startNode(t, "Dealer", nil)
			join(t, ours, theirs, oursBinds)
			done := theirs.echo(len(sizes))
			for _, n := range sizes {
				body := make([]byte, n)
				for i := range body {
					body[i] = byte(i*7 + n)
				}
				frames := []string{string(body), "tail"}
				send(t, ours, frames...)
				got := recv(t, ours)
				if len(got) != 2 || got[0] != frames[0] || got[1] != "tail" {
					t.Fatalf("%d bytes came back changed", n)
				}
			}
			done()
		})
	}
}

// Heartbeats over ws: libzmq pings with WebSocket pings and we answer; we
// ping libzmq and it answers. Only one side pings in each case, so its
// timeout holds only if the other answers.
func TestLibzmqHeartbeats(t *testing.T) {
	for _, oursPings := range []bool{true, false} {
		t.Run(map[bool]string{true: "ours-pings", false: "libzmq-pings"}[oursPings], func(t *testing.T) {
			var ours *zmq.Socket
			var theirs *nodePeer
			if oursPings {
				ours = newSocket(t, zmq.DEALER, zmq.WithHeartbeat(100*time.Millisecond, time.Second, 0))
				theirs = startNode(t, "Router", nil)
			} else {
				ours = newSocket(t, zmq.DEALER)
				theirs = startNode(t, "Router", map[string]any{"heartbeatInterval": 100, "heartbeatTimeout": 1000})
			}
			mon := ours.Monitor(zmq.EventDisconnected | zmq.EventAccepted | zmq.EventHandshakeSucceeded)
			join(t, ours, theirs, !oursPings)
			done := theirs.echo(2)
			send(t, ours, "before")
			want(t, "DEALER", recv(t, ours), "before")
			// Three heartbeat timeouts of silence, then the same connection
			// still carries messages.
			deadline := time.After(3 * time.Second)
		idle:
			for {
				select {
				case e := <-mon.C:
					if e.Type == zmq.EventDisconnected {
						t.Fatalf("connection dropped while idle: %v", e)
					}
				case <-deadline:
					break idle
				}
			}
			send(t, ours, "after")
			want(t, "DEALER", recv(t, ours), "after")
			done()
			if s := ours.Stats(); s.HeartbeatTimeouts != 0 {
				t.Fatalf("stats %+v", s)
			}
		})
	}
}
