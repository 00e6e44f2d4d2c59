package zmq_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/purezmq/zmq"
)

// A Recv waiting on a socket with one peer over tcp or ipc reads that
// peer's connection itself. These tests hold it to what a Recv waiting for
// the socket's wake-up does: a second peer's message, a context's end and
// Close all reach it, and the connection is still read (heartbeats
// answered) while the caller is away.

var directTransports = []string{"tcp://127.0.0.1:*", "ipc://*"}

func TestRecvOnOnePeerHearsASecondPeer(t *testing.T) {
	for _, ep := range directTransports {
		t.Run(ep[:3], func(t *testing.T) {
			pull := newSocket(t, zmq.PULL)
			ep := bind(t, pull, ep)
			first := newSocket(t, zmq.PUSH)
			connect(t, first, ep)
			send(t, first, "one")
			expect(t, pull, "one")
			send(t, first, "two")
			expect(t, pull, "two")
			// The next Recv waits on the first peer's connection.
			got := make(chan zmq.Msg, 1)
			go func() {
				m, err := pull.Recv(ctxT(t))
				if err != nil {
					t.Error(err)
				}
				got <- m
			}()
			second := newSocket(t, zmq.PUSH)
			connect(t, second, ep)
			send(t, second, "from the second")
			select {
			case m := <-got:
				if s := m.String(); s != "from the second" {
					t.Fatalf("received %q", s)
				}
			case <-time.After(testTimeout):
				t.Fatal("the second peer's message never reached a waiting Recv")
			}
		})
	}
}

func TestRecvOnOnePeerEndsWithItsContext(t *testing.T) {
	for _, ep := range directTransports {
		t.Run(ep[:3], func(t *testing.T) {
			pull := newSocket(t, zmq.PULL)
			push := newSocket(t, zmq.PUSH)
			connect(t, push, bind(t, pull, ep))
			for _, s := range []string{"one", "two"} {
				send(t, push, s)
				expect(t, pull, s)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
			defer cancel()
			done := make(chan error, 1)
			go func() {
				_, err := pull.Recv(ctx)
				done <- err
			}()
			select {
			case err := <-done:
				if !errors.Is(err, context.DeadlineExceeded) {
					t.Fatalf("Recv: %v, want the context's deadline", err)
				}
			case <-time.After(testTimeout):
				t.Fatal("Recv went on waiting after its context ended")
			}
			// The connection still works.
			send(t, push, "three")
			expect(t, pull, "three")
		})
	}
}

func TestCloseEndsRecvOnOnePeer(t *testing.T) {
	for _, ep := range directTransports {
		t.Run(ep[:3], func(t *testing.T) {
			pull := newSocket(t, zmq.PULL)
			push := newSocket(t, zmq.PUSH)
			connect(t, push, bind(t, pull, ep))
			for _, s := range []string{"one", "two"} {
				send(t, push, s)
				expect(t, pull, s)
			}
			done := make(chan error, 1)
			go func() {
				_, err := pull.Recv(ctxT(t))
				done <- err
			}()
			// Close while the Recv waits, most of the time; a Close before
			// it must end it all the same.
			time.AfterFunc(50*time.Millisecond, func() { pull.Close() })
			select {
			case err := <-done:
				if !errors.Is(err, zmq.ErrClosed) {
					t.Fatalf("Recv: %v, want ErrClosed", err)
				}
			case <-time.After(testTimeout):
				t.Fatal("Close did not end a waiting Recv")
			}
		})
	}
}

// TestHeartbeatsAnsweredWhileRecvIsAway: a peer that pings every 10 ms
// and gives up after 60 ms of silence keeps its connection while the
// program, having received, does not call Recv for half a second.
func TestHeartbeatsAnsweredWhileRecvIsAway(t *testing.T) {
	for _, ep := range directTransports {
		t.Run(ep[:3], func(t *testing.T) {
			ours := newSocket(t, zmq.DEALER)
			peer := newSocket(t, zmq.DEALER, zmq.WithHeartbeat(10*time.Millisecond, 60*time.Millisecond, 0))
			connect(t, peer, bind(t, ours, ep))
			for _, s := range []string{"one", "two"} {
				send(t, peer, s)
				expect(t, ours, s)
			}
			time.Sleep(500 * time.Millisecond) // the program is busy elsewhere
			if n := peer.Stats().HeartbeatTimeouts; n != 0 {
				t.Fatalf("the peer timed out %d times: its pings went unanswered", n)
			}
			send(t, peer, "three")
			expect(t, ours, "three")
		})
	}
}
