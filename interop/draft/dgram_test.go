package draft

import (
	"strings"
	"testing"

	"github.com/purezmq/zmq"
)

// TestDgram: raw udp between a purezmq DGRAM and a libzmq one, each bound
// on loopback, each speaking first in turn: [address, body] both ways.
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

	t.Run("ours-first", func(t *testing.T) {
		sendMsg(t, ours, zmq.NewMsgString(theirAddr, "ping"))
		r := theirs.recv()
		// libzmq hands out the address with a C string's NUL.
		if strings.TrimSuffix(r.Address, "\x00") != ourAddr || string(r.body()) != "ping" {
			t.Fatalf("they got %q from %q, want ping from %q", r.body(), r.Address, ourAddr)
		}
		// Answered to the address as libzmq gave it, NUL and all.
		theirs.send("pong", map[string]any{"address": r.Address})
		m := recvMsg(t, ours)
		if len(m.Frames) != 2 || string(m.Frames[0]) != theirAddr || string(m.Frames[1]) != "pong" {
			t.Fatalf("we got %q, want [%s pong]", m.Frames, theirAddr)
		}
	})
	t.Run("theirs-first", func(t *testing.T) {
		theirs.send("hello", map[string]any{"address": ourAddr})
		m := recvMsg(t, ours)
		if len(m.Frames) != 2 || string(m.Frames[0]) != theirAddr || string(m.Frames[1]) != "hello" {
			t.Fatalf("we got %q, want [%s hello]", m.Frames, theirAddr)
		}
		// Answered to the address as we gave it.
		sendMsg(t, ours, zmq.NewMsg(m.Frames[0], []byte("hello back")))
		if r := theirs.recv(); string(r.body()) != "hello back" {
			t.Fatalf("they got %q", r.body())
		}
	})
}
