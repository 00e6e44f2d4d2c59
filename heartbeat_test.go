package zmq_test

import (
	"net"
	"sync/atomic"
	"testing"
	"time"

	"github.com/purezmq/zmq"
)

func TestHeartbeatDropsSilentPeer(t *testing.T) {
	pull := newSocket(t, zmq.PULL, zmq.WithHeartbeat(20*time.Millisecond, 60*time.Millisecond, 0))
	ep := bind(t, pull, "tcp://127.0.0.1:*")
	silent := dialRaw(t, ep)
	silent.handshake("PUSH")
	silent.closedBySocket()
	eventually(t, "the silent peer to be counted", func() bool { return pull.Stats().HeartbeatTimeouts > 0 })
}

func TestHeartbeatKeepsLivePeers(t *testing.T) {
	// A timeout well above the interval, so a loaded machine's scheduling
	// delays do not pass for silence.
	opt := zmq.WithHeartbeat(10*time.Millisecond, 300*time.Millisecond, 0)
	pair1 := newSocket(t, zmq.PAIR, opt)
	pair2 := newSocket(t, zmq.PAIR, opt)
	connect(t, pair2, bind(t, pair1, "tcp://127.0.0.1:*"))
	send(t, pair2, "before")
	expect(t, pair1, "before")
	// Idle long enough for several timeouts; PINGs and PONGs keep it up.
	deadline := time.Now().Add(700 * time.Millisecond)
	for time.Now().Before(deadline) {
		if pair1.Stats().HeartbeatTimeouts+pair2.Stats().HeartbeatTimeouts > 0 {
			t.Fatal("a live peer was dropped")
		}
		time.Sleep(10 * time.Millisecond)
	}
	send(t, pair1, "after")
	expect(t, pair2, "after")
}

// A connecting socket redials a peer its heartbeat dropped.
func TestHeartbeatRedials(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	var accepted atomic.Int32
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			accepted.Add(1)
			p := &rawPeer{t: t, conn: conn}
			go func() {
				defer conn.Close()
				p.handshakeQuiet("PULL")
				buf := make([]byte, 1024)
				for {
					if _, err := conn.Read(buf); err != nil {
						return
					}
				}
			}()
		}
	}()
	push := newSocket(t, zmq.PUSH,
		zmq.WithHeartbeat(20*time.Millisecond, 60*time.Millisecond, 0),
		zmq.WithReconnectInterval(10*time.Millisecond, 0))
	connect(t, push, "tcp://"+ln.Addr().String())
	eventually(t, "a redial after the heartbeat drop", func() bool { return accepted.Load() >= 2 })
	if push.Stats().HeartbeatTimeouts == 0 {
		t.Fatal("the redial was not caused by a heartbeat timeout")
	}
}
