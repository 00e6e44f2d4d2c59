package zmq_test

import (
	"errors"
	"net"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/purezmq/zmq"
)

// A ROUTER with WithRouterNotify hears [id, ""] when a peer it accepted
// connects (before anything the peer sends) and when it leaves, and the
// same for a peer it connected to.
func TestRouterNotify(t *testing.T) {
	router := newSocket(t, zmq.ROUTER, zmq.WithRouterNotify(zmq.NotifyConnect|zmq.NotifyDisconnect))
	ep := bind(t, router, "tcp://127.0.0.1:*")
	dealer, err := zmq.NewSocket(zmq.DEALER, zmq.WithRoutingID([]byte("d1")), zmq.WithLinger(0))
	if err != nil {
		t.Fatal(err)
	}
	connect(t, dealer, ep)
	send(t, dealer, "hi")
	expect(t, router, "d1", "")
	expect(t, router, "d1", "hi")
	dealer.Close()
	expect(t, router, "d1", "")

	// Connecting: the peer's connection ends, the pipe stays.
	bound := newSocket(t, zmq.DEALER, zmq.WithRoutingID([]byte("d2")))
	ep2 := bind(t, bound, "tcp://127.0.0.1:*")
	connect(t, router, ep2)
	expect(t, router, "d2", "")
	bound.Close()
	expect(t, router, "d2", "")
}

// WithHelloMsg sends its message first on every connection, before what
// was queued, and again after a reconnection.
func TestHelloMsg(t *testing.T) {
	port := freePort(t)
	dealer := newSocket(t, zmq.DEALER, zmq.WithRoutingID([]byte("d")), zmq.WithHelloMsg([]byte("hello")),
		zmq.WithReconnectInterval(10*time.Millisecond, 0))
	connect(t, dealer, "tcp://127.0.0.1:"+port)
	send(t, dealer, "queued before the peer was up")
	router := newSocket(t, zmq.ROUTER)
	bind(t, router, "tcp://127.0.0.1:"+port)
	expect(t, router, "d", "hello")
	expect(t, router, "d", "queued before the peer was up")
	router.Close()

	again := newSocket(t, zmq.ROUTER)
	untilNoError(t, "rebind", zmq.ErrAddrInUse, func() error { return again.Bind("tcp://127.0.0.1:" + port) })
	expect(t, again, "d", "hello")
}

// WithDisconnectMsg: a ROUTER receives the message from a peer whose
// connection ended, after what the peer sent.
func TestDisconnectMsg(t *testing.T) {
	router := newSocket(t, zmq.ROUTER, zmq.WithDisconnectMsg([]byte("gone")))
	ep := bind(t, router, "tcp://127.0.0.1:*")
	dealer, err := zmq.NewSocket(zmq.DEALER, zmq.WithRoutingID([]byte("d1")), zmq.WithLinger(0))
	if err != nil {
		t.Fatal(err)
	}
	connect(t, dealer, ep)
	send(t, dealer, "last words")
	expect(t, router, "d1", "last words")
	dealer.Close()
	expect(t, router, "d1", "gone")
}

// WithHiccupMsg: a connecting DEALER receives the message when its
// connection ends.
func TestHiccupMsg(t *testing.T) {
	router := newSocket(t, zmq.ROUTER)
	ep := bind(t, router, "tcp://127.0.0.1:*")
	dealer := newSocket(t, zmq.DEALER, zmq.WithRoutingID([]byte("d")), zmq.WithHiccupMsg([]byte("hiccup")))
	connect(t, dealer, ep)
	send(t, dealer, "ping")
	expect(t, router, "d", "ping")
	send(t, router, "d", "pong")
	expect(t, dealer, "pong")
	router.Close()
	expect(t, dealer, "hiccup")
}

// WithMetadata's properties reach the peer, which reads them on each
// message; malformed ones are refused at the call.
func TestMetadata(t *testing.T) {
	router := newSocket(t, zmq.ROUTER)
	ep := bind(t, router, "tcp://127.0.0.1:*")
	dealer := newSocket(t, zmq.DEALER, zmq.WithMetadata(map[string]string{"X-Color": "blue", "x-empty": ""}))
	connect(t, dealer, ep)
	send(t, dealer, "tagged")
	m, err := router.Recv(ctxT(t))
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]string{"X-Color": "blue", "x-color": "blue", "X-Empty": ""} {
		if got, ok := m.Property(name); !ok || got != want {
			t.Errorf("Property(%q) = %q, %v; want %q", name, got, ok, want)
		}
	}
	for _, c := range []struct {
		props map[string]string
		says  string
	}{
		{map[string]string{"Color": "blue"}, `must start with "X-"`},
		{map[string]string{"X-": "v"}, `must start with "X-"`},
		{map[string]string{"X-bad name": "v"}, "is not a letter, digit"},
		{map[string]string{"X-" + strings.Repeat("n", 254): "v"}, "at most 255 bytes"},
		{map[string]string{"X-a": "v", "x-A": "w"}, "given twice"},
		{map[string]string{"X-big": strings.Repeat("v", 64<<10+1)}, "over 64 KiB"},
	} {
		err := dealer.SetOptions(zmq.WithMetadata(c.props))
		if !errors.Is(err, zmq.ErrInvalid) || !strings.Contains(err.Error(), c.says) {
			t.Errorf("WithMetadata(%.40q): %v, want ErrInvalid saying %q", c.props, err, c.says)
		}
	}
}

// WithReconnectStop(ReconnectStopConnRefused) gives an endpoint up at the
// first refusal, with an EventClosed saying why; without it the socket
// retries.
func TestReconnectStopConnRefused(t *testing.T) {
	push := newSocket(t, zmq.PUSH, zmq.WithReconnectStop(zmq.ReconnectStopConnRefused), zmq.WithReconnectInterval(10*time.Millisecond, 0))
	events := push.Monitor(zmq.EventClosed | zmq.EventConnectRetried)
	connect(t, push, "tcp://127.0.0.1:"+freePort(t))
	e := <-events.C
	if e.Type != zmq.EventClosed || !strings.Contains(e.Err.Error(), "connection refused") {
		t.Fatalf("first event %v, want CLOSED for the refusal", e)
	}
	// The endpoint is gone: with no pipe left a send cannot be queued.
	if err := push.SetOptions(zmq.WithSendTimeout(0)); err != nil {
		t.Fatal(err)
	}
	if err := push.Send(ctxT(t), zmq.NewMsgString("x")); !errors.Is(err, zmq.ErrAgain) {
		t.Errorf("Send after the endpoint was given up: %v, want ErrAgain", err)
	}
}

// WithReconnectStop(ReconnectStopHandshakeFailed) does not come back to a
// peer that is not ZeroMQ.
func TestReconnectStopHandshakeFailed(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	var accepted atomic.Int32
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			accepted.Add(1)
			c.Write([]byte("HTTP/1.0 400 Bad Request\r\n\r\n"))
			c.Close()
		}
	}()
	push := newSocket(t, zmq.PUSH, zmq.WithReconnectStop(zmq.ReconnectStopHandshakeFailed), zmq.WithReconnectInterval(10*time.Millisecond, 0))
	events := push.Monitor(zmq.EventClosed)
	connect(t, push, "tcp://"+ln.Addr().String())
	if e := <-events.C; e.Type != zmq.EventClosed || !strings.Contains(e.Err.Error(), "handshake failed") {
		t.Fatalf("event %v, want CLOSED for the failed handshake", e)
	}
	// A socket that went on retrying every 10ms would be back by now.
	time.Sleep(200 * time.Millisecond)
	if n := accepted.Load(); n != 1 {
		t.Errorf("the peer was connected to %d times, want once", n)
	}
}

// WithOnlyFirstSubscribe: only the first frame of a message is a
// subscription; the others are data, upstream from the XSUB and to the
// XPUB's application.
func TestOnlyFirstSubscribe(t *testing.T) {
	xpub := newSocket(t, zmq.XPUB, zmq.WithOnlyFirstSubscribe(true))
	ep := bind(t, xpub, "tcp://127.0.0.1:*")
	xsub := newSocket(t, zmq.XSUB, zmq.WithOnlyFirstSubscribe(true))
	connect(t, xsub, ep)
	send(t, xsub, "\x01news", "\x01sports")
	expect(t, xpub, "\x01news")
	expect(t, xpub, "\x01sports") // data, though it looks like a subscription
	send(t, xpub, "sports: not subscribed")
	send(t, xpub, "news: subscribed")
	expect(t, xsub, "news: subscribed")

	// Without it each frame is a subscription.
	xpub2 := newSocket(t, zmq.XPUB)
	ep2 := bind(t, xpub2, "tcp://127.0.0.1:*")
	xsub2 := newSocket(t, zmq.XSUB)
	connect(t, xsub2, ep2)
	send(t, xsub2, "\x01news", "\x01sports")
	expect(t, xpub2, "\x01news")
	expect(t, xpub2, "\x01sports")
	send(t, xpub2, "sports: subscribed")
	expect(t, xsub2, "sports: subscribed")
}

// WithXPubManualLastValue: after the application subscribes a newcomer,
// the next message (the cached last value) goes to the newcomer alone.
func TestXPubManualLastValue(t *testing.T) {
	xpub := newSocket(t, zmq.XPUB, zmq.WithXPubManualLastValue(true))
	ep := bind(t, xpub, "tcp://127.0.0.1:*")
	join := func() *zmq.Socket {
		sub := newSocket(t, zmq.SUB)
		connect(t, sub, ep)
		if err := sub.Subscribe("t"); err != nil {
			t.Fatal(err)
		}
		expect(t, xpub, "\x01t")
		if err := xpub.Subscribe("t"); err != nil {
			t.Fatal(err)
		}
		return sub
	}
	first := join()
	send(t, xpub, "t=1") // the cached value, to the first subscriber
	expect(t, first, "t=1")
	send(t, xpub, "t=2")
	expect(t, first, "t=2")
	second := join()
	send(t, xpub, "t=2") // the cached value again, to the newcomer only
	expect(t, second, "t=2")
	send(t, xpub, "t=3")
	expect(t, first, "t=3") // not a second "t=2"
	expect(t, second, "t=3")
}

// WithZAPEnforceDomain: a CURVE server with no ZAP handler bound refuses
// clients instead of letting every one in.
func TestZAPEnforceDomain(t *testing.T) {
	serverPublic, serverSecret, err := zmq.NewCurveKeyPair()
	if err != nil {
		t.Fatal(err)
	}
	clientPublic, clientSecret, _ := zmq.NewCurveKeyPair()
	for _, enforce := range []bool{false, true} {
		ctx := zmq.NewContext() // no ZAP handler bound in it
		server, err := ctx.NewSocket(zmq.PULL, zmq.WithLinger(0), zmq.WithCurveServer(serverSecret), zmq.WithZAPEnforceDomain(enforce))
		if err != nil {
			t.Fatal(err)
		}
		ep := bind(t, server, "tcp://127.0.0.1:*")
		client, err := ctx.NewSocket(zmq.PUSH, zmq.WithLinger(0), zmq.WithCurveClient(serverPublic, clientPublic, clientSecret))
		if err != nil {
			t.Fatal(err)
		}
		connect(t, client, ep)
		send(t, client, "knock")
		if enforce {
			eventually(t, "the client refused", func() bool { return server.Stats().AuthFailures > 0 })
			if m, err := tryRecv(server, 100*time.Millisecond); err == nil {
				t.Errorf("enforced: %q got through", m)
			}
		} else {
			expect(t, server, "knock")
		}
		client.Close()
		server.Close()
		ctx.Close()
	}
}

// freePort returns a tcp port on 127.0.0.1 that was free a moment ago.
func freePort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	_, port, _ := net.SplitHostPort(l.Addr().String())
	return port
}

// The same messages on the draft types: a CLIENT's hello reaches the
// SERVER first, the SERVER hears of the CLIENT leaving with its routing
// id, and a CLIENT whose SERVER went receives its hiccup.
func TestHelloDisconnectHiccupDraftTypes(t *testing.T) {
	server := newSocket(t, zmq.SERVER, zmq.WithDisconnectMsg([]byte("gone")))
	ep := bind(t, server, "tcp://127.0.0.1:*")
	client, err := zmq.NewSocket(zmq.CLIENT, zmq.WithLinger(0), zmq.WithHelloMsg([]byte("hello")))
	if err != nil {
		t.Fatal(err)
	}
	connect(t, client, ep)
	send(t, client, "request")
	hello, err := server.Recv(ctxT(t))
	if err != nil || hello.String() != "hello" {
		t.Fatalf("SERVER received %q, %v; want the hello first", hello, err)
	}
	req, err := server.Recv(ctxT(t))
	if err != nil || req.String() != "request" || req.RoutingID != hello.RoutingID {
		t.Fatalf("SERVER received %q from %d, %v; want the request from %d", req, req.RoutingID, err, hello.RoutingID)
	}
	client.Close()
	gone, err := server.Recv(ctxT(t))
	if err != nil || gone.String() != "gone" || gone.RoutingID != hello.RoutingID {
		t.Fatalf("SERVER received %q from %d, %v; want the disconnect message from %d", gone, gone.RoutingID, err, hello.RoutingID)
	}

	server2 := newSocket(t, zmq.SERVER)
	ep2 := bind(t, server2, "tcp://127.0.0.1:*")
	client2 := newSocket(t, zmq.CLIENT, zmq.WithHiccupMsg([]byte("hiccup")))
	connect(t, client2, ep2)
	send(t, client2, "ping")
	if _, err := server2.Recv(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	server2.Close()
	expect(t, client2, "hiccup")
}
