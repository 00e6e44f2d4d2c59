package zmq_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
	"unsafe"

	"github.com/purezmq/zmq"
	"github.com/purezmq/zmq/internal/zmtp"
)

// A RADIO sends each DISH the groups it joined, and only those, over every
// transport; Leave stops a group.
func TestRadioDish(t *testing.T) {
	for _, tr := range transportsAll {
		t.Run(tr, func(t *testing.T) {
			radio := newSocket(t, zmq.RADIO)
			ep := bind(t, radio, endpointFor(t, tr))
			weather := newSocket(t, zmq.DISH)
			news := newSocket(t, zmq.DISH)
			if err := weather.Join("weather"); err != nil {
				t.Fatal(err)
			}
			if err := news.Join("news"); err != nil {
				t.Fatal(err)
			}
			connect(t, weather, ep)
			connect(t, news, ep)
			syncGroup(t, radio, weather, "weather")
			syncGroup(t, radio, news, "news")
			sendMsg(t, radio, grouped("news", "headline"))
			sendMsg(t, radio, grouped("weather", "22C"))
			sendMsg(t, radio, grouped("sport", "nobody's"))
			if m := recvMsg(t, weather); m.Group != "weather" || m.String() != "22C" {
				t.Fatalf("weather got %q in %q", m.Frames, m.Group)
			}
			if m := recvMsg(t, news); m.Group != "news" || m.String() != "headline" {
				t.Fatalf("news got %q in %q", m.Frames, m.Group)
			}
			// Leave, then join another: what comes after is the new one's.
			if err := weather.Leave("weather"); err != nil {
				t.Fatal(err)
			}
			if err := weather.Join("sport"); err != nil {
				t.Fatal(err)
			}
			syncGroup(t, radio, weather, "sport")
			sendMsg(t, radio, grouped("weather", "23C"))
			sendMsg(t, radio, grouped("sport", "goal"))
			if m := recvMsg(t, weather); m.Group != "sport" || m.String() != "goal" {
				t.Fatalf("after Leave, weather got %q in %q", m.Frames, m.Group)
			}
		})
	}
}

// A message travels the pipes as [group, body] (pipe.Msg): a DISH hands
// back the body alone with its Group, the same string for a run of one
// group; a RADIO's frame headers come from a slab, which messages of
// groups taking turns, and bodies too large for it, must not mix up.
func TestRadioDishGroupsTakingTurns(t *testing.T) {
	for _, tr := range transportsAll {
		t.Run(tr, func(t *testing.T) {
			radio := newSocket(t, zmq.RADIO, zmq.WithXPubNoDrop(true))
			ep := bind(t, radio, endpointFor(t, tr))
			dish := newSocket(t, zmq.DISH)
			for _, g := range []string{"a", "b"} {
				if err := dish.Join(g); err != nil {
					t.Fatal(err)
				}
			}
			connect(t, dish, ep)
			syncGroup(t, radio, dish, "a")
			syncGroup(t, radio, dish, "b")
			const n = 300 // several slabs
			body := func(i int) string {
				if i%50 == 0 {
					return strings.Repeat(fmt.Sprint(i%10), 5000) // past the slab's bodies
				}
				return fmt.Sprint(i)
			}
			go func() {
				for i := 0; i < n; i++ {
					group := "ab"[i/2%2 : i/2%2+1] // a, a, b, b, ...
					if err := radio.Send(ctxT(t), grouped(group, body(i))); err != nil {
						return
					}
				}
			}()
			var last zmq.Msg
			for i := 0; i < n; i++ {
				m := recvMsg(t, dish)
				if want := "ab"[i/2%2 : i/2%2+1]; m.Group != want || len(m.Frames) != 1 || m.String() != body(i) {
					t.Fatalf("message %d: %d frames in %q, want %q in %q", i, len(m.Frames), m.Group, body(i), want)
				}
				if i%2 == 1 && unsafe.StringData(m.Group) != unsafe.StringData(last.Group) {
					t.Fatalf("message %d: a run of one group made its string again", i)
				}
				last = m
			}
		})
	}
}

func TestRadioDishErrors(t *testing.T) {
	radio := newSocket(t, zmq.RADIO)
	dish := newSocket(t, zmq.DISH)
	long := strings.Repeat("g", 255)
	tests := []struct {
		name string
		err  error
		want error
	}{
		{"RADIO send without a group", radio.Send(ctxT(t), zmq.NewMsgString("x")), zmq.ErrInvalid},
		{"RADIO send to a 256-byte group", radio.Send(ctxT(t), grouped(long+"g", "x")), zmq.ErrInvalid},
		{"RADIO multipart send", radio.Send(ctxT(t), zmq.Msg{Frames: [][]byte{{1}, {2}}, Group: "g"}), zmq.ErrInvalid},
		{"RADIO send to a 255-byte group", radio.Send(ctxT(t), grouped(long, "x")), nil},
		{"DISH send", dish.Send(ctxT(t), grouped("g", "x")), zmq.ErrNotSupported},
		{"DISH join of 256 bytes", dish.Join(long + "g"), zmq.ErrInvalid},
		{"DISH join of nothing", dish.Join(""), zmq.ErrInvalid},
		{"DISH join of 255 bytes", dish.Join(long), nil},
		{"DISH join twice", dish.Join(long), zmq.ErrInvalid},
		{"DISH leave", dish.Leave(long), nil},
		{"DISH leave not joined", dish.Leave(long), zmq.ErrInvalid},
		{"RADIO join", radio.Join("g"), zmq.ErrNotSupported},
		{"RADIO leave", radio.Leave("g"), zmq.ErrNotSupported},
	}
	for _, tt := range tests {
		if tt.want == nil && tt.err != nil || tt.want != nil && !errors.Is(tt.err, tt.want) {
			t.Errorf("%s: %v, want %v", tt.name, tt.err, tt.want)
		}
	}
	if _, err := radio.Recv(ctxT(t)); !errors.Is(err, zmq.ErrNotSupported) {
		t.Errorf("RADIO Recv: %v", err)
	}
	dish.Close()
	if err := dish.Join("g"); !errors.Is(err, zmq.ErrClosed) {
		t.Errorf("Join after Close: %v", err)
	}
}

// A DISH tells a RADIO it reconnects to every group it joined.
func TestDishRejoinsAfterReconnect(t *testing.T) {
	radio := newSocket(t, zmq.RADIO)
	ep := bind(t, radio, "tcp://127.0.0.1:*")
	dish := newSocket(t, zmq.DISH, zmq.WithReconnectInterval(10*time.Millisecond, 0))
	if err := dish.Join("weather"); err != nil {
		t.Fatal(err)
	}
	connect(t, dish, ep)
	syncGroup(t, radio, dish, "weather")
	radio.Close()
	again := newSocket(t, zmq.RADIO)
	untilNoError(t, "binding the same port again", zmq.ErrAddrInUse, func() error { return again.Bind(ep) })
	syncGroup(t, again, dish, "weather")
}

// On the wire a RADIO is libzmq's: it sends a DISH only the groups it
// joined, each message a group frame then a body frame, and heeds LEAVE.
func TestRadioWireRules(t *testing.T) {
	radio := newSocket(t, zmq.RADIO)
	ep := bind(t, radio, "tcp://127.0.0.1:*")
	raw := dialRaw(t, ep)
	raw.handshakeFull("DISH")
	msgs := raw.groupedMessages()
	next := func(wait time.Duration) ([2]string, bool) {
		t.Helper()
		select {
		case m, ok := <-msgs:
			if !ok {
				t.Fatal("the RADIO hung up")
			}
			return m, true
		case <-time.After(wait):
			return [2]string{}, false
		}
	}
	// until sends in group a (and, to prove the RADIO filters, in b)
	// until a message in a arrives.
	until := func(a, b string) {
		t.Helper()
		deadline := time.Now().Add(testTimeout)
		for i := 0; ; i++ {
			if time.Now().After(deadline) {
				t.Fatalf("nothing in %q came", a)
			}
			sendMsg(t, radio, grouped(b, "filtered"))
			sendMsg(t, radio, grouped(a, fmt.Sprint(i)))
			for {
				m, ok := next(pollInterval)
				if !ok {
					break
				}
				if m[0] == a {
					return
				}
				if m[0] != b || b == "never" {
					t.Fatalf("got %q in group %q", m[1], m[0])
				}
			}
		}
	}
	raw.write(zmtp.AppendCommand(nil, zmtp.CmdJoin, []byte("a")))
	until("a", "never")
	// LEAVE a, JOIN c: once a message in c arrives, the LEAVE before the
	// JOIN was applied, and nothing in a may follow.
	raw.write(zmtp.AppendCommand(nil, zmtp.CmdLeave, []byte("a")))
	raw.write(zmtp.AppendCommand(nil, zmtp.CmdJoin, []byte("c")))
	until("c", "a")
	sendMsg(t, radio, grouped("a", "after its LEAVE"))
	sendMsg(t, radio, grouped("c", "end"))
	for {
		m, ok := next(testTimeout)
		if !ok || m[0] != "c" {
			t.Fatalf("got %q in %q, want what is left in c", m[1], m[0])
		}
		if m[1] == "end" {
			break
		}
	}
	// A JOIN longer than libzmq allows drops the peer.
	raw.write(zmtp.AppendCommand(nil, zmtp.CmdJoin, make([]byte, 256)))
	for range msgs {
	}
	eventually(t, "the drop to be counted", func() bool { return radio.Stats().ProtocolErrors == 1 })
}

// On the wire a DISH is libzmq's: JOIN and LEAVE commands with the group as
// the body, sent again to each new RADIO; a message without its group frame
// drops the peer.
func TestDishWireRules(t *testing.T) {
	dish := newSocket(t, zmq.DISH)
	ep := bind(t, dish, "tcp://127.0.0.1:*")
	if err := dish.Join("weather"); err != nil {
		t.Fatal(err)
	}
	raw := dialRaw(t, ep)
	raw.handshakeFull("RADIO")
	if flags, body := raw.readFrame(); flags != zmtp.FlagCommand || string(body) != "\x04JOINweather" {
		t.Fatalf("got flags %#x %q, want the JOIN", flags, body)
	}
	if err := dish.Join("news"); err != nil {
		t.Fatal(err)
	}
	if err := dish.Leave("weather"); err != nil {
		t.Fatal(err)
	}
	if _, body := raw.readFrame(); string(body) != "\x04JOINnews" {
		t.Fatalf("got %q", body)
	}
	if _, body := raw.readFrame(); string(body) != "\x05LEAVEweather" {
		t.Fatalf("got %q", body)
	}
	raw.write(zmtp.AppendFrame(zmtp.AppendFrame(nil, zmtp.FlagMore, []byte("news")), 0, []byte("headline")))
	if m := recvMsg(t, dish); m.Group != "news" || m.String() != "headline" {
		t.Fatalf("got %q in %q", m.Frames, m.Group)
	}
	raw.write(zmtp.AppendFrame(nil, 0, []byte("no group")))
	raw.closedBySocket()
	eventually(t, "the drop to be counted", func() bool { return dish.Stats().ProtocolErrors == 1 })
}

// A Poller sees a DISH's and a SERVER's messages, which keep their group and
// routing id through the receive-ahead.
func TestPollerDraftTypes(t *testing.T) {
	radio := newSocket(t, zmq.RADIO)
	dish := newSocket(t, zmq.DISH)
	if err := dish.Join("g"); err != nil {
		t.Fatal(err)
	}
	connect(t, dish, bind(t, radio, "inproc://poller-radio"))
	server := newSocket(t, zmq.SERVER)
	client := newSocket(t, zmq.CLIENT)
	connect(t, client, bind(t, server, "inproc://poller-server"))

	poller := zmq.NewPoller()
	poller.Add(dish, zmq.PollIn)
	poller.Add(server, zmq.PollIn|zmq.PollOut)
	sendMsg(t, radio, grouped("g", "to dish"))
	send(t, client, "to server")
	seen := map[*zmq.Socket]zmq.Msg{}
	for len(seen) < 2 {
		ready, err := poller.Poll(ctxT(t))
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range ready {
			if r.Events&zmq.PollIn != 0 {
				seen[r.Socket] = recvMsg(t, r.Socket)
			}
		}
	}
	if m := seen[dish]; m.Group != "g" || m.String() != "to dish" {
		t.Fatalf("dish: %q in %q", m.Frames, m.Group)
	}
	m := seen[server]
	if m.RoutingID == 0 || m.String() != "to server" {
		t.Fatalf("server: %q from %d", m.Frames, m.RoutingID)
	}
	sendMsg(t, server, routed(m.RoutingID, "answer"))
	expect(t, client, "answer")
}

// WithXPubNoDrop makes a RADIO wait for room rather than drop, as libzmq's
// RADIO does with ZMQ_XPUB_NODROP.
func TestRadioNoDrop(t *testing.T) {
	radio := newSocket(t, zmq.RADIO, zmq.WithXPubNoDrop(true), zmq.WithSendHWM(1), zmq.WithSendTimeout(0))
	dish := newSocket(t, zmq.DISH, zmq.WithRecvHWM(1))
	if err := dish.Join("g"); err != nil {
		t.Fatal(err)
	}
	connect(t, dish, bind(t, radio, "inproc://radio-nodrop"))
	// inproc: the JOIN is on the pipe already, and the queue holds 2.
	sendMsg(t, radio, grouped("g", "1"))
	sendMsg(t, radio, grouped("g", "2"))
	if err := radio.Send(ctxT(t), grouped("g", "3")); !errors.Is(err, zmq.ErrAgain) {
		t.Fatalf("send to a full DISH: %v, want ErrAgain", err)
	}
	expect(t, dish, "1")
	sendMsg(t, radio, grouped("g", "3"))
	expect(t, dish, "2")
	expect(t, dish, "3")
}
