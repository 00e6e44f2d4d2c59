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

// warmedUp returns a PULL with one PUSH peer over ep, two messages in, so
// that the connection is lent to the PULL's next waiting Recv.
func warmedUp(t *testing.T, ep string) (pull, push *zmq.Socket) {
	pull = newSocket(t, zmq.PULL)
	push = newSocket(t, zmq.PUSH)
	connect(t, push, bind(t, pull, ep))
	for _, s := range []string{"one", "two"} {
		send(t, push, s)
		expect(t, pull, s)
	}
	return pull, push
}

type recvResult struct {
	m   zmq.Msg
	err error
}

// recvInBackground starts s.Recv(ctx) and returns its result, failing the
// test with what if it has not returned within testTimeout.
func recvInBackground(t *testing.T, s *zmq.Socket, ctx context.Context, what string) func() recvResult {
	done := make(chan recvResult, 1)
	go func() {
		m, err := s.Recv(ctx)
		done <- recvResult{m, err}
	}()
	return func() recvResult {
		t.Helper()
		select {
		case r := <-done:
			return r
		case <-time.After(testTimeout):
			t.Fatal(what)
		}
		return recvResult{}
	}
}

// recvReadingDirectly starts a Recv on pull in the background, as
// recvInBackground does, and returns once that Recv reads the connection
// itself. The reader lends the connection only once it has delivered to a
// Recv that asked for it; when this one has not been lent it within
// 100 ms, a message from push wakes it and another Recv asks again.
func recvReadingDirectly(t *testing.T, pull, push *zmq.Socket, what string) func() recvResult {
	t.Helper()
	for tries := 0; tries < 50; tries++ {
		result := recvInBackground(t, pull, ctxT(t), what)
		for deadline := time.Now().Add(100 * time.Millisecond); time.Now().Before(deadline); {
			if zmq.ReadingDirectly(pull) {
				return result
			}
			time.Sleep(time.Millisecond) // polling a condition, with a deadline
		}
		send(t, push, "nudge")
		if r := result(); r.err != nil || r.m.String() != "nudge" {
			t.Fatalf("the nudge: %q, %v", r.m.String(), r.err)
		}
	}
	t.Fatal("the connection was never lent to a waiting Recv")
	return nil
}

func TestRecvOnOnePeerHearsASecondPeer(t *testing.T) {
	for _, ep := range directTransports {
		t.Run(ep[:3], func(t *testing.T) {
			pull, push := warmedUp(t, ep)
			// The next Recv waits on the first peer's connection.
			result := recvReadingDirectly(t, pull, push, "the second peer's message never reached a waiting Recv")
			second := newSocket(t, zmq.PUSH)
			connect(t, second, pull.LastEndpoint())
			send(t, second, "from the second")
			r := result()
			if r.err != nil {
				t.Fatal(r.err)
			}
			if s := r.m.String(); s != "from the second" {
				t.Fatalf("received %q", s)
			}
		})
	}
}

func TestRecvOnOnePeerEndsWithItsContext(t *testing.T) {
	for _, ep := range directTransports {
		t.Run(ep[:3], func(t *testing.T) {
			pull, push := warmedUp(t, ep)
			ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
			defer cancel()
			r := recvInBackground(t, pull, ctx, "Recv went on waiting after its context ended")()
			if !errors.Is(r.err, context.DeadlineExceeded) {
				t.Fatalf("Recv: %v, want the context's deadline", r.err)
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
			pull, push := warmedUp(t, ep)
			result := recvReadingDirectly(t, pull, push, "Close did not end a waiting Recv")
			pull.Close()
			if r := result(); !errors.Is(r.err, zmq.ErrClosed) {
				t.Fatalf("Recv: %v, want ErrClosed", r.err)
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
