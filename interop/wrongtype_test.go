package interop

import (
	"fmt"
	"testing"
	"time"

	zmq4 "github.com/pebbe/zmq4"
	"github.com/purezmq/zmq"
)

// goodDialogue finds a dialogue in which ours, of type typ, can take part,
// and the side ours plays in it.
func goodDialogue(t *testing.T, typ zmq.Type) (dialogue, int) {
	t.Helper()
	for _, d := range dialogues {
		if d.a == typ {
			return d, 0
		}
		if d.b == typ {
			return d, 1
		}
	}
	t.Fatalf("no dialogue for %v", typ)
	return dialogue{}, 0
}

// TestWrongSocketType: a libzmq peer of a type ours may not talk to is
// refused in the handshake, by both sides, and ours goes on serving good
// peers afterwards.
//
// Which side refuses first is a race, since libzmq 4.3 and ours greet step
// by step (RFC 15's way of telling old peers apart): a side that reads the
// other's READY in the same read as the end of its greeting refuses it
// before it has sent its own READY, and the other sees it hang up mid-
// handshake. So ours either refuses (a protocol error) or sees libzmq hang up
// (no detail); either way it never completes the handshake.
func TestWrongSocketType(t *testing.T) {
	mismatches := []struct{ ours, lz zmq.Type }{
		{zmq.REP, zmq.PUSH},
		{zmq.REQ, zmq.DEALER},
		{zmq.DEALER, zmq.REQ},
		{zmq.PULL, zmq.PULL},
		{zmq.PUSH, zmq.REP},
		{zmq.PAIR, zmq.DEALER},
	}
	for _, mm := range mismatches {
		for _, oursBinds := range []bool{true, false} {
			for _, tr := range transports {
				t.Run(fmt.Sprintf("%v(ours)-%v(libzmq)/%s/%s", mm.ours, mm.lz, binderName(oursBinds), tr), func(t *testing.T) {
					ours := newOurs(t, mm.ours)
					oursMon := ours.Monitor(zmq.EventAll)
					bad := newLZ(t, mm.lz)
					mon := newLZMonitor(t, bad)
					var ep string
					if oursBinds {
						ep = oursBind(t, ours, bindAddr(t, tr))
						lzConnect(t, bad, ep)
					} else {
						badEP := lzBind(t, bad, bindAddr(t, tr))
						oursConnect(t, ours, badEP)
					}
					oursFailed(t, oursMon)
					// libzmq 4.3.4 reports a refused socket type as a bare
					// disconnection (no HANDSHAKE_FAILED_* event); what
					// matters is that it never reports success.
					_, seen := mon.waitFor(t, timeout, zmq4.EVENT_DISCONNECTED)
					seen = append(seen, mon.drain()...)
					for _, ev := range seen {
						if ev == zmq4.EVENT_HANDSHAKE_SUCCEEDED {
							t.Fatalf("libzmq completed a handshake with a mismatched peer: %v", seen)
						}
					}
					if got := ours.Stats().AuthFailures; got != 0 {
						t.Errorf("AuthFailures = %d, want 0", got)
					}

					// Now a good peer.
					d, side := goodDialogue(t, mm.ours)
					ends := [2]end{}
					ends[side] = ourEnd{ours}
					good := newLZ(t, [2]zmq.Type{d.a, d.b}[1-side])
					ends[1-side] = lzEnd{good}
					if oursBinds {
						lzConnect(t, good, ep)
					} else {
						// The good peer takes the bad one's place: ours,
						// still redialling, must get through to it.
						mon.closeTarget(t)
						lzBindRetry(t, good, ours.LastEndpoint())
					}
					for i, s := range d.steps {
						ends[s.from].send(t, s.send...)
						if err := sameFrames(ends[1-s.from].recv(t), s.want); err != nil {
							t.Fatalf("step %d with the good peer: %v", i, err)
						}
					}
				})
			}
		}
	}
}

// oursFailed waits for ours to report a failed handshake: a protocol error
// (ours refused the peer), or no detail (the peer refused ours and hung up
// first). A handshake that succeeds fails the test.
func oursFailed(t *testing.T, mon *zmq.Monitor) {
	t.Helper()
	deadline := time.After(timeout)
	for {
		select {
		case ev := <-mon.C:
			switch ev.Type {
			case zmq.EventHandshakeSucceeded:
				t.Fatalf("ours completed a handshake with a mismatched peer")
			case zmq.EventHandshakeFailedProtocol, zmq.EventHandshakeFailedNoDetail:
				return
			}
		case <-deadline:
			t.Fatalf("after %v: ours reported no failed handshake", timeout)
		}
	}
}
