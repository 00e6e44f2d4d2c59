package draft

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/purezmq/zmq"
)

// pollInterval is how long one try of a poll waits for an answer.
const pollInterval = 50 * time.Millisecond

// groupMsg is a message for a RADIO to send.
func groupMsg(group, body string) zmq.Msg {
	m := zmq.NewMsgString(body)
	m.Group = group
	return m
}

// radioUntilHeard sends in group from our RADIO until their DISH hears one,
// which proves their JOIN reached us, then drains what is still on its way.
func radioUntilHeard(t *testing.T, radio *zmq.Socket, dish *nodePeer, group string) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for i := 0; ; i++ {
		if time.Now().After(deadline) {
			t.Fatalf("their DISH never heard group %q", group)
		}
		body := fmt.Sprintf("sync-%d", i)
		sendMsg(t, radio, groupMsg(group, body))
		r, ok := dish.tryRecv(pollInterval)
		if !ok {
			continue
		}
		if r.Group != group {
			t.Fatalf("their DISH got group %q, want %q", r.Group, group)
		}
		for string(r.body()) != body {
			r = dish.recv()
		}
		return
	}
}

// TestOurRadioTheirDish: a libzmq DISH joins over tcp and ipc; a purezmq
// RADIO sends it the groups it joined, and only those.
func TestOurRadioTheirDish(t *testing.T) {
	for _, tr := range transports {
		for _, oursBinds := range []bool{true, false} {
			t.Run(tr+"/"+roles(oursBinds), func(t *testing.T) {
				radio := newSocket(t, zmq.RADIO)
				dish := startNode(t, "Dish")
				dish.do(map[string]any{"op": "join", "group": "weather"})
				link(t, radio, dish, tr, oursBinds)
				radioUntilHeard(t, radio, dish, "weather")
				sendMsg(t, radio, groupMsg("sport", "not joined"))
				sendMsg(t, radio, groupMsg("weather", "22C"))
				if r := dish.recv(); r.Group != "weather" || string(r.body()) != "22C" {
					t.Fatalf("their DISH got %q in %q, want 22C in weather", r.body(), r.Group)
				}
				// A group of libzmq's longest length travels whole.
				long := string(make255('g'))
				dish.do(map[string]any{"op": "join", "group": long})
				radioUntilHeard(t, radio, dish, long)
			})
		}
	}
}

func make255(c byte) []byte {
	b := make([]byte, 255)
	for i := range b {
		b[i] = c
	}
	return b
}

// dishUntilHeard has their RADIO send in group until our DISH hears one,
// then drains what is still on its way.
func dishUntilHeard(t *testing.T, radio *nodePeer, dish *zmq.Socket, group string) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for i := 0; ; i++ {
		if time.Now().After(deadline) {
			t.Fatalf("our DISH never heard group %q", group)
		}
		body := fmt.Sprintf("sync-%d", i)
		radio.send(body, map[string]any{"group": group})
		m, err := tryRecv(dish, pollInterval)
		if errors.Is(err, context.DeadlineExceeded) {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		for m.String() != body {
			if m.Group != group {
				t.Fatalf("our DISH got group %q, want %q", m.Group, group)
			}
			m = recvMsg(t, dish)
		}
		return
	}
}

func tryRecv(s *zmq.Socket, d time.Duration) (zmq.Msg, error) {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	return s.Recv(ctx)
}

// TestTheirRadioOurDish: a purezmq DISH joins a libzmq RADIO over tcp and
// ipc and receives the groups it joined, with the group set.
func TestTheirRadioOurDish(t *testing.T) {
	for _, tr := range transports {
		for _, oursBinds := range []bool{true, false} {
			t.Run(tr+"/"+roles(oursBinds), func(t *testing.T) {
				dish := newSocket(t, zmq.DISH)
				radio := startNode(t, "Radio")
				if err := dish.Join("weather"); err != nil {
					t.Fatal(err)
				}
				link(t, dish, radio, tr, oursBinds)
				dishUntilHeard(t, radio, dish, "weather")
				radio.send("not joined", map[string]any{"group": "sport"})
				radio.send("22C", map[string]any{"group": "weather"})
				if m := recvMsg(t, dish); m.Group != "weather" || m.String() != "22C" {
					t.Fatalf("our DISH got %q in %q, want 22C in weather", m.String(), m.Group)
				}
				// Leave, then join another group: libzmq's RADIO drops what
				// we left, so what comes next is the new group's.
				if err := dish.Leave("weather"); err != nil {
					t.Fatal(err)
				}
				if err := dish.Join("news"); err != nil {
					t.Fatal(err)
				}
				dishUntilHeard(t, radio, dish, "news")
			})
		}
	}
}

// TestRadioDishUDP: RADIO connects and DISH binds over udp on loopback, one
// datagram per message in libzmq's layout, each library on either side.
func TestRadioDishUDP(t *testing.T) {
	t.Run("our-radio", func(t *testing.T) {
		dish := startNode(t, "Dish")
		dish.do(map[string]any{"op": "join", "group": "weather"})
		// libzmq 4.3.5 reports a bound udp endpoint without "udp://":
		// the endpoint asked for is the one to connect to.
		ep := freeUDP(t)
		dish.bind(ep)
		radio := newSocket(t, zmq.RADIO)
		if err := radio.Connect(ep); err != nil {
			t.Fatal(err)
		}
		radioUntilHeard(t, radio, dish, "weather")
		// Over udp every group is sent: their DISH filters.
		sendMsg(t, radio, groupMsg("sport", "not joined"))
		sendMsg(t, radio, groupMsg("weather", "22C"))
		if r := dish.recv(); r.Group != "weather" || string(r.body()) != "22C" {
			t.Fatalf("their DISH got %q in %q", r.body(), r.Group)
		}
		// The longest group sent over udp (libzmq's udp engine aborts
		// on 128 bytes and more; see transport.MaxDatagramGroup).
		long := string(make255('u')[:127])
		dish.do(map[string]any{"op": "join", "group": long})
		radioUntilHeard(t, radio, dish, long)
	})
	t.Run("their-radio", func(t *testing.T) {
		dish := newSocket(t, zmq.DISH)
		if err := dish.Join("weather"); err != nil {
			t.Fatal(err)
		}
		if err := dish.Bind("udp://127.0.0.1:*"); err != nil {
			t.Fatal(err)
		}
		radio := startNode(t, "Radio")
		radio.connect(dish.LastEndpoint())
		dishUntilHeard(t, radio, dish, "weather")
		radio.send("not joined", map[string]any{"group": "sport"})
		radio.send("22C", map[string]any{"group": "weather"})
		if m := recvMsg(t, dish); m.Group != "weather" || m.String() != "22C" {
			t.Fatalf("our DISH got %q in %q", m.String(), m.Group)
		}
	})
}
