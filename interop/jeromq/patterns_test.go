package jeromq

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/purezmq/zmq"
)

// TestReqRep: REQ and REP each side, either side binding; multipart
// requests and replies (an empty frame among them), several rounds.
func TestReqRep(t *testing.T) {
	for _, r := range roles {
		t.Run("ours-REQ/"+r.name, func(t *testing.T) {
			rep := startJava(t).socket("rep", "REP")
			req := newOurs(t, zmq.REQ)
			join(t, req, rep, r.oursBinds)
			for i := range 3 {
				n := fmt.Sprint(i)
				oursSend(t, req, "hello", n)
				expect(t, "JeroMQ REP", rep.recv(), "hello", n)
				rep.send("world", "", n)
				m := oursRecv(t, req)
				expect(t, "ours REQ", strs(m), "world", "", n)
				if typ, _ := m.Property("Socket-Type"); typ != "REP" {
					t.Fatalf("Socket-Type property %q, want REP (from the ZMTP 2.0 greeting)", typ)
				}
			}
		})
		t.Run("ours-REP/"+r.name, func(t *testing.T) {
			req := startJava(t).socket("req", "REQ")
			rep := newOurs(t, zmq.REP)
			join(t, rep, req, r.oursBinds)
			for i := range 3 {
				n := fmt.Sprint(i)
				req.send("hello", "", n)
				expect(t, "ours REP", strs(oursRecv(t, rep)), "hello", "", n)
				oursSend(t, rep, "world", n)
				expect(t, "JeroMQ REQ", req.recv(), "world", n)
			}
		})
	}
}

// sizes cross ZMTP's short/long frame boundary (255/256) and the size our
// reader reads into a buffer of its own.
var sizes = []int{0, 1, 255, 256, 70000}

func body(size int, seed byte) string {
	b := make([]byte, size)
	for i := range b {
		b[i] = seed + byte(i%251)
	}
	return string(b)
}

// TestPushPull: PUSH to PULL each way, either side binding, multipart
// messages whose frames cross the short/long boundary, in order.
func TestPushPull(t *testing.T) {
	for _, r := range roles {
		t.Run("ours-PUSH/"+r.name, func(t *testing.T) {
			pull := startJava(t).socket("pull", "PULL")
			push := newOurs(t, zmq.PUSH)
			join(t, push, pull, r.oursBinds)
			for i, size := range sizes {
				oursSend(t, push, fmt.Sprint(i), body(size, byte(i)), "end")
			}
			for i, size := range sizes {
				expect(t, "JeroMQ PULL", pull.recv(), fmt.Sprint(i), body(size, byte(i)), "end")
			}
		})
		t.Run("ours-PULL/"+r.name, func(t *testing.T) {
			push := startJava(t).socket("push", "PUSH")
			pull := newOurs(t, zmq.PULL)
			join(t, pull, push, r.oursBinds)
			for i, size := range sizes {
				push.send(fmt.Sprint(i), body(size, byte(i)), "end")
			}
			for i, size := range sizes {
				m := oursRecv(t, pull)
				expect(t, "ours PULL", strs(m), fmt.Sprint(i), body(size, byte(i)), "end")
				if typ, _ := m.Property("Socket-Type"); typ != "PUSH" {
					t.Fatalf("Socket-Type property %q, want PUSH", typ)
				}
			}
		})
	}
}

// TestDealerRouter: each side's ROUTER learns the other's DEALER by the
// identity it sent as its first frame (ZMTP 2.0 has no READY), and routes
// replies by it; a DEALER with no identity gets one made up.
func TestDealerRouter(t *testing.T) {
	for _, r := range roles {
		t.Run("ours-DEALER/"+r.name, func(t *testing.T) {
			router := startJava(t).socket("router", "ROUTER")
			dealer := newOurs(t, zmq.DEALER, zmq.WithRoutingID([]byte("ours-dealer")))
			join(t, dealer, router, r.oursBinds)
			oursSend(t, dealer, "hi", "there")
			expect(t, "JeroMQ ROUTER", router.recv(), "ours-dealer", "hi", "there")
			router.send("ours-dealer", "back", "again")
			expect(t, "ours DEALER", strs(oursRecv(t, dealer)), "back", "again")
		})
		t.Run("ours-ROUTER/"+r.name, func(t *testing.T) {
			java := startJava(t)
			named := java.socket("named", "DEALER")
			named.identity("java-dealer")
			router := newOurs(t, zmq.ROUTER)
			join(t, router, named, r.oursBinds)
			named.send("hi", "there")
			m := oursRecv(t, router)
			expect(t, "ours ROUTER", strs(m), "java-dealer", "hi", "there")
			if id, _ := m.Property("Identity"); id != "java-dealer" {
				t.Fatalf("Identity property %q", id)
			}
			oursSend(t, router, "java-dealer", "back")
			expect(t, "JeroMQ DEALER", named.recv(), "back")
			if !r.oursBinds {
				return
			}
			anon := java.socket("anon", "DEALER")
			anon.connect(router.LastEndpoint())
			anon.send("anonymous")
			m = oursRecv(t, router)
			if len(m.Frames) != 2 || len(m.Frames[0]) == 0 || string(m.Frames[1]) != "anonymous" {
				t.Fatalf("ours ROUTER received %q from a DEALER with no identity", strs(m))
			}
			oursSend(t, router, string(m.Frames[0]), "to you")
			expect(t, "anonymous JeroMQ DEALER", anon.recv(), "to you")
		})
	}
}

// TestPubSub: PUB to SUB each way, either side binding. Subscriptions go
// as "\x01topic" messages to and from ZMTP 2.0 peers; a message whose topic
// nobody subscribed to never arrives; an unsubscription stops a topic; an
// XPUB sees the subscription messages themselves.
func TestPubSub(t *testing.T) {
	for _, r := range roles {
		t.Run("ours-PUB/"+r.name, func(t *testing.T) {
			sub := startJava(t).socket("sub", "SUB")
			pub := newOurs(t, zmq.PUB)
			join(t, pub, sub, r.oursBinds)
			send := func(frames ...string) { oursSend(t, pub, frames...) }
			recv := func() ([]string, bool) { return sub.tryRecv(pollWait) }
			filtering(t, send, recv, sub.sub, sub.unsub)
		})
		t.Run("ours-SUB/"+r.name, func(t *testing.T) {
			pub := startJava(t).socket("pub", "PUB")
			sub := newOurs(t, zmq.SUB)
			join(t, sub, pub, r.oursBinds)
			recv := func() ([]string, bool) {
				m, ok := oursTryRecv(t, sub, pollWait)
				return strs(m), ok
			}
			subscribe := func(topic string) {
				if err := sub.Subscribe(topic); err != nil {
					t.Fatal(err)
				}
			}
			unsubscribe := func(topic string) {
				if err := sub.Unsubscribe(topic); err != nil {
					t.Fatal(err)
				}
			}
			filtering(t, pub.send, recv, subscribe, unsubscribe)
		})
		t.Run("ours-XPUB/"+r.name, func(t *testing.T) {
			sub := startJava(t).socket("sub", "SUB")
			xpub := newOurs(t, zmq.XPUB)
			join(t, xpub, sub, r.oursBinds)
			sub.sub("weather")
			expect(t, "ours XPUB", strs(oursRecvPumping(t, xpub, sub)), "\x01weather")
			sub.unsub("weather")
			expect(t, "ours XPUB", strs(oursRecvPumping(t, xpub, sub)), "\x00weather")
		})
		t.Run("ours-SUB-to-XPUB/"+r.name, func(t *testing.T) {
			xpub := startJava(t).socket("xpub", "XPUB")
			sub := newOurs(t, zmq.SUB)
			join(t, sub, xpub, r.oursBinds)
			if err := sub.Subscribe("weather"); err != nil {
				t.Fatal(err)
			}
			expect(t, "JeroMQ XPUB", xpub.recv(), "\x01weather")
			if err := sub.Unsubscribe("weather"); err != nil {
				t.Fatal(err)
			}
			expect(t, "JeroMQ XPUB", xpub.recv(), "\x00weather")
		})
	}
}

// pollWait is how long one look for a published message waits.
const pollWait = 100 * time.Millisecond

// filtering runs one publisher-subscriber conversation: subscribe to "a",
// publish until the subscription has arrived, check that "b" is filtered
// out; then swap the subscription to "b" and check the reverse.
func filtering(t *testing.T, send func(...string), recv func() ([]string, bool), subscribe, unsubscribe func(string)) {
	t.Helper()
	subscribe("a")
	syncTopic(t, send, recv, "a", "sync-a")
	send("b", "not subscribed")
	send("a", "news", "in parts")
	receiveUntil(t, recv, []string{"a", "news", "in parts"}, "b")

	unsubscribe("a")
	subscribe("b")
	// The unsubscription went before the subscription, on the same
	// connection: once "b" gets through, "a" is off.
	syncTopic(t, send, recv, "b", "sync-b")
	send("a", "no longer subscribed")
	send("b", "news", "in parts")
	receiveUntil(t, recv, []string{"b", "news", "in parts"}, "a")
}

// syncTopic publishes marker messages on topic until one arrives.
func syncTopic(t *testing.T, send func(...string), recv func() ([]string, bool), topic, marker string) {
	t.Helper()
	for range int(timeout / pollWait) {
		send(topic, marker)
		if got, ok := recv(); ok {
			if got[0] != topic {
				t.Fatalf("subscriber received %q while waiting for topic %q", got, topic)
			}
			return
		}
	}
	t.Fatalf("no message on topic %q within %v", topic, timeout)
}

// receiveUntil reads until want arrives, skipping markers left from
// syncTopic; a message on the topic filtered out fails the test.
func receiveUntil(t *testing.T, recv func() ([]string, bool), want []string, filtered string) {
	t.Helper()
	for range int(timeout / pollWait) {
		got, ok := recv()
		switch {
		case !ok:
			continue
		case got[0] == filtered && !strings.HasPrefix(got[len(got)-1], "sync-"):
			t.Fatalf("subscriber received %q: topic %q is not subscribed", got, filtered)
		case strings.Join(got, "|") == strings.Join(want, "|"):
			return
		}
	}
	t.Fatalf("subscriber never received %q", want)
}

// oursRecvPumping receives on ours while the JeroMQ socket is polled. A
// JeroMQ (as a libzmq) socket attaches a new connection only when its
// application calls into it, and sends its subscriptions then: one that
// subscribed before our connection came up says nothing until it is used.
func oursRecvPumping(t *testing.T, ours *zmq.Socket, java *javaSocket) zmq.Msg {
	t.Helper()
	for range int(timeout / pollWait) {
		if _, ok := java.tryRecv(0); ok {
			t.Fatal("the JeroMQ socket received a message")
		}
		if m, ok := oursTryRecv(t, ours, pollWait); ok {
			return m
		}
	}
	t.Fatalf("ours: no message within %v", timeout)
	return zmq.Msg{}
}
