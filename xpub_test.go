package zmq_test

import (
	"context"
	"errors"
	"testing"

	"github.com/purezmq/zmq"
)

// xpubAndTwoSubs binds an XPUB made with opts to endpoint and connects two
// SUBs to it.
func xpubAndTwoSubs(t *testing.T, endpoint string, opts ...zmq.Option) (xpub, sub1, sub2 *zmq.Socket) {
	t.Helper()
	xpub = newSocket(t, zmq.XPUB, opts...)
	ep := bind(t, xpub, endpoint)
	sub1, sub2 = newSocket(t, zmq.SUB), newSocket(t, zmq.SUB)
	connect(t, sub1, ep)
	connect(t, sub2, ep)
	return xpub, sub1, sub2
}

// TestXPubNotifications: without WithXPubVerbose only the first
// subscription and the last unsubscription of a topic reach the
// application; each subscriber's later subscription to a topic of its own
// proves the ones before it were taken (a pipe is read in order).
func TestXPubNotifications(t *testing.T) {
	for _, tr := range transports {
		t.Run(tr.name, func(t *testing.T) {
			xpub, sub1, sub2 := xpubAndTwoSubs(t, tr.endpoint(t))

			sub1.Subscribe("t")
			expect(t, xpub, "\x01t")
			sub2.Subscribe("t")
			sub2.Subscribe("u")
			expect(t, xpub, "\x01u") // sub2's "t" is a duplicate
			sub1.Unsubscribe("t")
			sub1.Subscribe("v")
			expect(t, xpub, "\x01v") // sub2 still has "t"
			sub2.Unsubscribe("t")
			expect(t, xpub, "\x00t")

			// A subscriber leaving cancels what only it had.
			sub1.Subscribe("u")
			sub1.Subscribe("w")
			expect(t, xpub, "\x01w")
			sub1.Close()
			got := map[string]bool{}
			for len(got) < 2 {
				got[recv(t, xpub)[0]] = true
			}
			if !got["\x00v"] || !got["\x00w"] {
				t.Fatalf("after a subscriber left got %v, want cancels of v and w only", got)
			}
		})
	}
}

func TestXPubVerbose(t *testing.T) {
	for _, tr := range transports {
		t.Run(tr.name, func(t *testing.T) {
			xpub, sub1, sub2 := xpubAndTwoSubs(t, tr.endpoint(t), zmq.WithXPubVerbose(true))
			sub1.Subscribe("t")
			expect(t, xpub, "\x01t")
			sub2.Subscribe("t")
			expect(t, xpub, "\x01t")
			sub1.Subscribe("t")
			expect(t, xpub, "\x01t")
			// Unsubscriptions stay quiet until the last.
			sub2.Unsubscribe("t")
			sub2.Subscribe("x")
			expect(t, xpub, "\x01x")
		})
	}
}

func TestXPubVerboser(t *testing.T) {
	xpub, sub1, sub2 := xpubAndTwoSubs(t, "tcp://127.0.0.1:*", zmq.WithXPubVerboser(true))
	sub1.Subscribe("t")
	expect(t, xpub, "\x01t")
	sub2.Subscribe("t")
	expect(t, xpub, "\x01t")
	sub2.Unsubscribe("t")
	expect(t, xpub, "\x00t")
	sub1.Unsubscribe("t")
	expect(t, xpub, "\x00t")
}

// TestXPubXSub: an XSUB's own messages go upstream to the XPUB's
// application, and its subscriptions filter what it gets.
func TestXPubXSub(t *testing.T) {
	for _, tr := range transports {
		t.Run(tr.name, func(t *testing.T) {
			xpub := newSocket(t, zmq.XPUB)
			xsub := newSocket(t, zmq.XSUB)
			connect(t, xsub, bind(t, xpub, tr.endpoint(t)))
			send(t, xsub, "\x01a")
			expect(t, xpub, "\x01a")
			send(t, xsub, "hello", "upstream")
			expect(t, xpub, "hello", "upstream")
			if err := xsub.Subscribe("b"); err != nil {
				t.Fatal(err)
			}
			expect(t, xpub, "\x01b")
			send(t, xpub, "c")
			send(t, xpub, "b1")
			expect(t, xsub, "b1")
		})
	}
}

// TestXPubManual: the application decides what a peer is subscribed to.
func TestXPubManual(t *testing.T) {
	for _, tr := range transports {
		t.Run(tr.name, func(t *testing.T) {
			xpub := newSocket(t, zmq.XPUB, zmq.WithXPubManual(true))
			xsub := newSocket(t, zmq.XSUB)
			connect(t, xsub, bind(t, xpub, tr.endpoint(t)))
			send(t, xsub, "\x01a")
			expect(t, xpub, "\x01a")
			if err := xpub.Subscribe("b"); err != nil {
				t.Fatal(err)
			}
			send(t, xpub, "a1")
			send(t, xpub, "b1")
			expect(t, xsub, "b1")
			send(t, xsub, "\x01a") // every subscription is passed on
			expect(t, xpub, "\x01a")
			xpub.Unsubscribe("b")
			xpub.Subscribe("c")
			send(t, xpub, "b2")
			send(t, xpub, "c2")
			expect(t, xsub, "c2")
		})
	}
}

func TestXPubSubscribeNeedsManual(t *testing.T) {
	xpub := newSocket(t, zmq.XPUB)
	if err := xpub.Subscribe("x"); !errors.Is(err, zmq.ErrNotSupported) {
		t.Fatalf("Subscribe on a plain XPUB: %v", err)
	}
}

func TestXPubWelcome(t *testing.T) {
	for _, tr := range transports {
		t.Run(tr.name, func(t *testing.T) {
			xpub := newSocket(t, zmq.XPUB, zmq.WithXPubWelcomeMsg([]byte("W")))
			sub := newSocket(t, zmq.SUB)
			sub.Subscribe("W")
			connect(t, sub, bind(t, xpub, tr.endpoint(t)))
			expect(t, sub, "W")
			expect(t, xpub, "\x01W")
		})
	}
}

// TestXPubNoDrop: a full subscriber makes the send wait instead of drop.
func TestXPubNoDrop(t *testing.T) {
	xpub := newSocket(t, zmq.XPUB, zmq.WithXPubNoDrop(true), zmq.WithSendHWM(1), zmq.WithSendTimeout(0))
	sub := newSocket(t, zmq.SUB, zmq.WithRecvHWM(1))
	sub.Subscribe("")
	connect(t, sub, bind(t, xpub, "inproc://"+t.Name()))
	expect(t, xpub, "\x01")
	send(t, xpub, "1")
	send(t, xpub, "2")
	if err := xpub.Send(ctxT(t), zmq.NewMsgString("3")); !errors.Is(err, zmq.ErrAgain) {
		t.Fatalf("send to a full subscriber: %v, want ErrAgain", err)
	}
	expect(t, sub, "1")
	send(t, xpub, "3")
	expect(t, sub, "2")
	expect(t, sub, "3")
}

// TestXPubInprocCommands: an inproc SUB hands its subscriptions to the
// XPUB as commands in the shared queue; the XPUB sees them like any.
func TestXPubInprocConnectFirst(t *testing.T) {
	xpub := newSocket(t, zmq.XPUB)
	sub := newSocket(t, zmq.SUB)
	sub.Subscribe("early")
	connect(t, sub, "inproc://"+t.Name()) // before the bind
	bind(t, xpub, "inproc://"+t.Name())
	expect(t, xpub, "\x01early")
	send(t, xpub, "early bird")
	expect(t, sub, "early bird")
}

// TestXSubXPubProxy: the pub-sub forwarder. Subscriptions travel up through
// the proxy to the publisher, messages down to the subscriber.
func TestXSubXPubProxy(t *testing.T) {
	pub := newSocket(t, zmq.PUB)
	front := newSocket(t, zmq.XSUB)
	back := newSocket(t, zmq.XPUB)
	connect(t, front, bind(t, pub, "tcp://127.0.0.1:*"))
	out := bind(t, back, "tcp://127.0.0.1:*")
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- zmq.ProxySteerable(ctx, front, back, nil, nil) }()
	defer func() {
		cancel()
		<-done
	}()
	sub := newSocket(t, zmq.SUB)
	sub.Subscribe("weather")
	connect(t, sub, out)
	syncTopic(t, pub, sub, "weather")
	send(t, pub, "sports")
	send(t, pub, "weather", "sunny")
	expect(t, sub, "weather", "sunny")
}
