package zmq_test

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/purezmq/zmq"
)

// pollInterval is how long a poll waits for an answer before trying again.
const pollInterval = 20 * time.Millisecond

// tryRecv receives with a short deadline.
func tryRecv(s *zmq.Socket, d time.Duration) (zmq.Msg, error) {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	return s.Recv(ctx)
}

var syncSeq atomic.Int64

// syncTopic sends prefix+"sync-N" from pub until sub receives one, which
// proves sub's subscription to prefix reached pub (and so did those sub made
// before: a peer's subscriptions are applied in order), then reads the
// copies still on their way, so that sub's queue is empty again. Other
// subscribers of prefix get the copies too: give each its own prefix.
func syncTopic(t *testing.T, pub, sub *zmq.Socket, prefix string) {
	t.Helper()
	deadline := time.Now().Add(testTimeout)
	for {
		if time.Now().After(deadline) {
			t.Fatalf("subscription to %q never reached the publisher", prefix)
		}
		last := fmt.Sprintf("%ssync-%d", prefix, syncSeq.Add(1))
		send(t, pub, last)
		m, err := tryRecv(sub, pollInterval)
		if errors.Is(err, context.DeadlineExceeded) {
			continue
		}
		if err != nil {
			t.Fatalf("Recv: %v", err)
		}
		for string(m.Frames[0]) != last {
			if m, err = tryRecv(sub, testTimeout); err != nil {
				t.Fatalf("Recv while waiting for %q: %v", last, err)
			}
		}
		return
	}
}

// untilNoError retries op until it stops failing with errors that match
// retry, or the test times out.
func untilNoError(t *testing.T, what string, retry error, op func() error) {
	t.Helper()
	deadline := time.Now().Add(testTimeout)
	for {
		err := op()
		if err == nil {
			return
		}
		if !errors.Is(err, retry) || time.Now().After(deadline) {
			t.Fatalf("%s: %v", what, err)
		}
		time.Sleep(time.Millisecond) // a poll interval, not synchronisation
	}
}
