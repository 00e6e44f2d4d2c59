package draft

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/purezmq/zmq"
)

// TestDgram: raw udp between a purezmq DGRAM and a libzmq one, each bound
// on loopback, each speaking first in turn: [address, body] both ways.
// udp may lose a datagram, and libzmq binds a udp endpoint in its I/O
// thread after zmq_bind has returned, so the first datagram each way is
// sent until it is heard.
func TestDgram(t *testing.T) {
	ours := newSocket(t, zmq.DGRAM)
	if err := ours.Bind("udp://127.0.0.1:*"); err != nil {
		t.Fatal(err)
	}
	ourAddr := strings.TrimPrefix(ours.LastEndpoint(), "udp://")
	theirs := startNode(t, "Datagram")
	theirEndpoint := freeUDP(t)
	theirs.bind(theirEndpoint)
	theirAddr := strings.TrimPrefix(theirEndpoint, "udp://")

	// Ours first: until they hear a ping.
	var r reply
	for i, deadline := 0, time.Now().Add(timeout); ; i++ {
		if time.Now().After(deadline) {
			t.Fatal("they never heard us")
		}
		sendMsg(t, ours, zmq.NewMsgString(theirAddr, fmt.Sprint("ping ", i)))
		var ok bool
		if r, ok = theirs.tryRecv(pollInterval); ok {
			break
		}
	}
	// libzmq hands out the address with a C string's NUL.
	if strings.TrimSuffix(r.Address, "\x00") != ourAddr || !strings.HasPrefix(string(r.body()), "ping ") {
		t.Fatalf("they got %q from %q, want a ping from %q", r.body(), r.Address, ourAddr)
	}
	// Answered to the address as libzmq gave it, NUL and all: they are
	// bound by now, and we were all along.
	theirs.send("pong", map[string]any{"address": r.Address})
	if m := recvMsg(t, ours); len(m.Frames) != 2 || string(m.Frames[0]) != theirAddr || string(m.Frames[1]) != "pong" {
		t.Fatalf("we got %q, want [%s pong]", m.Frames, theirAddr)
	}

	// Theirs first, answered to the address as we gave it.
	theirs.send("hello", map[string]any{"address": ourAddr})
	m := recvMsg(t, ours)
	if len(m.Frames) != 2 || string(m.Frames[0]) != theirAddr || string(m.Frames[1]) != "hello" {
		t.Fatalf("we got %q, want [%s hello]", m.Frames, theirAddr)
	}
	sendMsg(t, ours, zmq.NewMsg(m.Frames[0], []byte("hello back")))
	for {
		r := theirs.recv()
		if strings.HasPrefix(string(r.body()), "ping ") {
			continue // a ping sent while they were binding
		}
		if string(r.body()) != "hello back" {
			t.Fatalf("they got %q", r.body())
		}
		break
	}
}
