package interop

import (
	"strings"
	"testing"
	"time"

	"github.com/purezmq/zmq"
)

// The handshake options libzmq can observe: WithMetadata's properties are
// read by a libzmq ROUTER with zmq_msg_gets, and WithHelloMsg's message is
// the first a libzmq ROUTER receives from the peer.
func TestMetadataAndHelloToLibzmq(t *testing.T) {
	for _, tr := range transports {
		router := newLZ(t, zmq.ROUTER)
		ep := lzBind(t, router, bindAddr(t, tr))
		dealer := newOurs(t, zmq.DEALER, zmq.WithRoutingID([]byte("d")),
			zmq.WithMetadata(map[string]string{"X-Color": "blue"}), zmq.WithHelloMsg([]byte("hello")))
		oursConnect(t, dealer, ep)
		oursSend(t, dealer, []byte("sent after"))
		body, meta, err := router.RecvMessageBytesWithMetadata(0, "X-Color")
		if err != nil {
			t.Fatal(err)
		}
		expectFrames(t, body, frames("d", "hello"))
		if meta["X-Color"] != "blue" {
			t.Errorf("%s: libzmq read X-Color %q, want blue", tr, meta["X-Color"])
		}
		expectFrames(t, lzRecv(t, router), frames("d", "sent after"))
	}
}

// A tcp accept filter refuses a libzmq peer from an address it does not
// list and admits one that connects from a listed address with libzmq's
// tcp://source;destination form; purezmq's own source form is seen by
// libzmq as the peer's address.
func TestAcceptFilterAndSourceWithLibzmq(t *testing.T) {
	pull := newOurs(t, zmq.PULL, zmq.WithTCPAcceptFilter("127.0.0.2"))
	ep := oursBind(t, pull, "tcp://127.0.0.1:*")
	stranger := newLZ(t, zmq.PUSH)
	lzConnect(t, stranger, ep)
	lzSend(t, stranger, []byte("stranger"))
	eventually(t, 10*time.Second, "the stranger refused", func() bool { return pull.Stats().RefusedPeers > 0 })
	friend := newLZ(t, zmq.PUSH)
	lzConnect(t, friend, "tcp://127.0.0.2:0;"+strings.TrimPrefix(ep, "tcp://"))
	lzSend(t, friend, []byte("friend"))
	m := oursRecvMsg(t, pull)
	expectFrames(t, m.Frames, frames("friend"))
	if addr, _ := m.Property("Peer-Address"); addr != "127.0.0.2" {
		t.Errorf("Peer-Address %q, want 127.0.0.2", addr)
	}

	lzPull := newLZ(t, zmq.PULL)
	lzEP := lzBind(t, lzPull, "tcp://127.0.0.1:*")
	push := newOurs(t, zmq.PUSH)
	oursConnect(t, push, "tcp://127.0.0.3:0;"+strings.TrimPrefix(lzEP, "tcp://"))
	oursSend(t, push, []byte("from 127.0.0.3"))
	body, meta, err := lzPull.RecvMessageBytesWithMetadata(0, "Peer-Address")
	if err != nil {
		t.Fatal(err)
	}
	expectFrames(t, body, frames("from 127.0.0.3"))
	if meta["Peer-Address"] != "127.0.0.3" {
		t.Errorf("libzmq saw Peer-Address %q, want 127.0.0.3", meta["Peer-Address"])
	}
}

// WithOnlyFirstSubscribe on our XPUB: a libzmq XSUB's message whose first
// frame is a subscription subscribes to that topic only; the frames after
// it reach the application as data.
func TestOnlyFirstSubscribeWithLibzmq(t *testing.T) {
	xpub := newOurs(t, zmq.XPUB, zmq.WithOnlyFirstSubscribe(true))
	ep := oursBind(t, xpub, "tcp://127.0.0.1:*")
	xsub := newLZ(t, zmq.XSUB)
	lzConnect(t, xsub, ep)
	lzSend(t, xsub, []byte("\x01news"), []byte("\x01sports"))
	expectFrames(t, oursRecvMsg(t, xpub).Frames, frames("\x01news"))
	expectFrames(t, oursRecvMsg(t, xpub).Frames, frames("\x01sports"))
	oursSend(t, xpub, []byte("sports: not subscribed"))
	oursSend(t, xpub, []byte("news: subscribed"))
	expectFrames(t, lzRecv(t, xsub), frames("news: subscribed"))
}
