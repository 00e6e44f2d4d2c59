package zmq_test

import (
	"context"
	"errors"
	"log/slog"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/purezmq/zmq"
)

// Close's contract, each case over every transport it applies to. These
// sockets keep the default linger (newSocket sets 0), which is the point.

// neverUp are endpoints nothing will ever bind.
var neverUp = []struct {
	name     string
	endpoint func(t *testing.T) string
}{
	{"tcp", freeTCPEndpoint},
	{"ipc", func(t *testing.T) string { return "ipc://" + t.TempDir() + "/never" }},
	{"inproc", func(t *testing.T) string { return "inproc://never-" + t.Name() }},
}

// withDefaultLinger makes a socket as a program would, with no WithLinger.
func withDefaultLinger(t *testing.T, typ zmq.Type, opts ...zmq.Option) *zmq.Socket {
	t.Helper()
	s, err := zmq.NewSocket(typ, opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// closeWithin closes s and fails the test if Close takes longer than d.
func closeWithin(t *testing.T, s *zmq.Socket, d time.Duration) {
	t.Helper()
	done := closeAsync(s)
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Close: %v", err)
		}
	case <-time.After(d):
		t.Fatalf("Close still blocked after %v", d)
	}
}

func closeAsync(s *zmq.Socket) <-chan error {
	done := make(chan error, 1)
	go func() { done <- s.Close() }()
	return done
}

// logRecords is a slog handler that keeps what it is given.
type logRecords struct {
	mu      sync.Mutex
	records []slog.Record
}

func (l *logRecords) Enabled(context.Context, slog.Level) bool { return true }
func (l *logRecords) Handle(_ context.Context, r slog.Record) error {
	l.mu.Lock()
	l.records = append(l.records, r.Clone())
	l.mu.Unlock()
	return nil
}
func (l *logRecords) WithAttrs([]slog.Attr) slog.Handler { return l }
func (l *logRecords) WithGroup(string) slog.Handler      { return l }

// attr returns the value of key in the first record whose message contains
// msg.
func (l *logRecords) attr(msg, key string) (slog.Value, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, r := range l.records {
		if r.Message != msg {
			continue
		}
		var v slog.Value
		found := false
		r.Attrs(func(a slog.Attr) bool {
			if a.Key == key {
				v, found = a.Value, true
				return false
			}
			return true
		})
		return v, found
	}
	return slog.Value{}, false
}

const closeGaveUp = "zmq: close gave up on a peer"

// A subscription is state re-sent on every connection, not a message
// waiting for delivery: a SUB whose publisher never came up closes at once
// (libzmq's zmq_close and zmq_ctx_term both return), and gives up nothing.
func TestCloseSubscriberWithoutPublisher(t *testing.T) {
	for _, tr := range neverUp {
		t.Run(tr.name, func(t *testing.T) {
			sub := withDefaultLinger(t, zmq.SUB)
			connect(t, sub, tr.endpoint(t))
			if err := sub.Subscribe("weather"); err != nil {
				t.Fatal(err)
			}
			if err := sub.Subscribe(""); err != nil {
				t.Fatal(err)
			}
			closeWithin(t, sub, testTimeout)
			if st := sub.Stats(); st.CloseDroppedMessages != 0 || st.CloseAbandonedPeers != 0 {
				t.Errorf("subscriptions counted as given up: %+v", st)
			}
		})
	}
}

// A DEALER that sent to an endpoint that never came up: by default Close
// does not wait for a peer that is not connected. It drops what was queued
// for it, counts and logs it. libzmq's zmq_close returns too, but its
// zmq_ctx_term then waits for ever.
func TestCloseDealerWithoutPeer(t *testing.T) {
	for _, tr := range neverUp {
		t.Run(tr.name, func(t *testing.T) {
			log := &logRecords{}
			dealer := withDefaultLinger(t, zmq.DEALER, zmq.WithLogger(slog.New(log)))
			ep := tr.endpoint(t)
			connect(t, dealer, ep)
			for i := 0; i < 3; i++ {
				send(t, dealer, "request", strconv.Itoa(i))
			}
			closeWithin(t, dealer, testTimeout)
			st := dealer.Stats()
			if st.CloseDroppedMessages != 3 || st.CloseAbandonedPeers != 1 {
				t.Errorf("Stats after Close: %d messages dropped, %d peers abandoned; want 3 and 1", st.CloseDroppedMessages, st.CloseAbandonedPeers)
			}
			if v, ok := log.attr(closeGaveUp, "dropped"); !ok || v.Int64() != 3 {
				t.Errorf("log: dropped = %v (found %v), want 3", v, ok)
			}
			if v, ok := log.attr(closeGaveUp, "endpoint"); !ok || v.String() != ep {
				t.Errorf("log: endpoint = %v (found %v), want %s", v, ok, ep)
			}
		})
	}
}

// What is queued to a connected peer that is reading is delivered, all of
// it, before Close returns (inproc: it stays readable by the peer).
func TestCloseDeliversToReadingPeer(t *testing.T) {
	const n = 200000
	for _, tr := range transports {
		t.Run(tr.name, func(t *testing.T) {
			pull := newSocket(t, zmq.PULL)
			push := withDefaultLinger(t, zmq.PUSH)
			connect(t, push, bind(t, pull, tr.endpoint(t)))
			// One context for the lot: one per call would pile up timers.
			ctx := ctxTimeout(t, 6*testTimeout)
			got := make(chan error, 1)
			go func() {
				for i := 0; i < n; i++ {
					m, err := pull.Recv(ctx)
					if err != nil {
						got <- err
						return
					}
					if m.String() != strconv.Itoa(i) {
						got <- errors.New("message " + strconv.Itoa(i) + " is " + m.String())
						return
					}
				}
				got <- nil
			}()
			for i := 0; i < n; i++ {
				if err := push.Send(ctx, zmq.NewMsgString(strconv.Itoa(i))); err != nil {
					t.Fatalf("send %d: %v", i, err)
				}
			}
			closeWithin(t, push, 4*testTimeout)
			if err := <-got; err != nil {
				t.Fatal(err)
			}
			if st := push.Stats(); st.CloseDroppedMessages != 0 {
				t.Errorf("%d messages dropped", st.CloseDroppedMessages)
			}
		})
	}
}

// fillUntilBlocked sends body until the socket's queue is full and the
// peer takes no more.
func fillUntilBlocked(t *testing.T, s *zmq.Socket, body []byte) int {
	t.Helper()
	sent := 0
	for {
		err := s.Send(ctxTimeout(t, 100*time.Millisecond), zmq.NewMsg(body))
		if errors.Is(err, context.DeadlineExceeded) {
			return sent
		}
		if err != nil {
			t.Fatalf("send: %v", err)
		}
		sent++
	}
}

// A connected peer that stops reading is given up after a while
// (zmq.LingerStall of no progress) rather than waited for for ever, as
// libzmq's zmq_ctx_term would; what was still queued is counted and logged.
// Far more is queued than kernel buffers hold, so some must be dropped.
func TestCloseAbandonsStalledPeer(t *testing.T) {
	for _, tr := range transports {
		if tr.name == "inproc" {
			continue // TestCloseLeavesInprocQueueReadable
		}
		t.Run(tr.name, func(t *testing.T) {
			t.Parallel()
			pull := newSocket(t, zmq.PULL, zmq.WithRecvHWM(10))
			log := &logRecords{}
			push := withDefaultLinger(t, zmq.PUSH, zmq.WithSendHWM(1000), zmq.WithLogger(slog.New(log)))
			connect(t, push, bind(t, pull, tr.endpoint(t)))
			expectDelivery(t, push, pull)
			if sent := fillUntilBlocked(t, push, make([]byte, 64<<10)); sent < 1000 {
				t.Fatalf("only %d sent before the queue filled", sent)
			}
			closeWithin(t, push, 4*zmq.LingerStall+testTimeout)
			st := push.Stats()
			if st.CloseDroppedMessages == 0 || st.CloseAbandonedPeers != 1 {
				t.Errorf("Stats after Close: %d messages dropped, %d peers abandoned; want some and 1", st.CloseDroppedMessages, st.CloseAbandonedPeers)
			}
			if v, ok := log.attr(closeGaveUp, "dropped"); !ok || v.Int64() != st.CloseDroppedMessages {
				t.Errorf("log: dropped = %v (found %v), want %d", v, ok, st.CloseDroppedMessages)
			}
		})
	}
}

// expectDelivery sends one message and waits for it, so the connection is
// known to be up.
func expectDelivery(t *testing.T, from, to *zmq.Socket) {
	t.Helper()
	send(t, from, "up")
	expect(t, to, "up")
}

// Over inproc the queue is shared with the peer: Close returns at once and
// the peer can still read all of it, whether it reads now or later.
func TestCloseLeavesInprocQueueReadable(t *testing.T) {
	pull := newSocket(t, zmq.PULL, zmq.WithRecvHWM(10))
	push := withDefaultLinger(t, zmq.PUSH, zmq.WithSendHWM(10))
	connect(t, push, bind(t, pull, "inproc://"+t.Name()))
	sent := fillUntilBlocked(t, push, []byte("x"))
	closeWithin(t, push, testTimeout)
	for i := 0; i < sent; i++ {
		expect(t, pull, "x")
	}
	if st := push.Stats(); st.CloseDroppedMessages != 0 || st.CloseAbandonedPeers != 0 {
		t.Errorf("inproc Close gave up: %+v", st)
	}
}

// A connection still in its handshake has nothing queued: Close cuts it at
// once rather than waiting for the handshake timeout.
func TestCloseCutsPeersInHandshake(t *testing.T) {
	for _, linger := range []time.Duration{-1, 0, time.Hour} {
		t.Run(linger.String(), func(t *testing.T) {
			pull, err := zmq.NewSocket(zmq.PULL, zmq.WithLinger(linger))
			if err != nil {
				t.Fatal(err)
			}
			events := pull.Monitor(zmq.EventAccepted)
			silent := dialRaw(t, bind(t, pull, "tcp://127.0.0.1:*"))
			nextEvent(t, events, zmq.EventAccepted)
			closeWithin(t, pull, testTimeout)
			silent.closedBySocket()
		})
	}
}

// A message sent just before Close to a peer that is up but not yet
// connected to is still delivered: the connection under way is finished.
func TestCloseRightAfterConnectDelivers(t *testing.T) {
	for _, tr := range transports {
		t.Run(tr.name, func(t *testing.T) {
			pull := newSocket(t, zmq.PULL)
			ep := bind(t, pull, tr.endpoint(t))
			for i := 0; i < 20; i++ {
				push := withDefaultLinger(t, zmq.PUSH)
				connect(t, push, ep)
				send(t, push, strconv.Itoa(i))
				closeWithin(t, push, testTimeout)
				expect(t, pull, strconv.Itoa(i))
			}
		})
	}
}

// WithLinger(-1) is libzmq's wait for ever: Close waits for a peer that
// comes up only after Close was called.
func TestLingerForeverWaitsForPeer(t *testing.T) {
	for _, tr := range neverUp {
		if tr.name == "inproc" {
			continue // inproc queues wait in the context, not in Close
		}
		t.Run(tr.name, func(t *testing.T) {
			ep := tr.endpoint(t)
			push := withDefaultLinger(t, zmq.PUSH, zmq.WithLinger(-1), zmq.WithReconnectInterval(10*time.Millisecond, 0))
			connect(t, push, ep)
			send(t, push, "late")
			closed := closeAsync(push)
			pull := newSocket(t, zmq.PULL)
			bind(t, pull, ep)
			expect(t, pull, "late")
			select {
			case err := <-closed:
				if err != nil {
					t.Fatal(err)
				}
			case <-time.After(testTimeout):
				t.Fatal("Close did not return once the message was delivered")
			}
		})
	}
}

// WithLinger(-1) waits for a connected peer that stops reading, for as long
// as it takes: Close returns only once the peer has read everything.
func TestLingerForeverWaitsForStalledPeer(t *testing.T) {
	for _, tr := range transports {
		if tr.name == "inproc" {
			continue
		}
		t.Run(tr.name, func(t *testing.T) {
			t.Parallel()
			pull := newSocket(t, zmq.PULL, zmq.WithRecvHWM(10))
			push := withDefaultLinger(t, zmq.PUSH, zmq.WithLinger(-1), zmq.WithSendHWM(100))
			connect(t, push, bind(t, pull, tr.endpoint(t)))
			expectDelivery(t, push, pull)
			body := make([]byte, 64<<10)
			sent := fillUntilBlocked(t, push, body)
			closed := closeAsync(push)
			// Longer than the default gives up after, so a default
			// Close would have dropped the rest by now.
			stalled := time.NewTimer(zmq.LingerStall + time.Second)
			defer stalled.Stop()
			select {
			case err := <-closed:
				t.Fatalf("Close returned (%v) with %d messages unread", err, sent)
			case <-stalled.C:
			}
			for i := 0; i < sent; i++ {
				if m, err := pull.Recv(ctxT(t)); err != nil || len(m.Frames[0]) != len(body) {
					t.Fatalf("message %d of %d: %v", i, sent, err)
				}
			}
			select {
			case err := <-closed:
				if err != nil {
					t.Fatal(err)
				}
			case <-time.After(testTimeout):
				t.Fatal("Close did not return once everything was read")
			}
			if st := push.Stats(); st.CloseDroppedMessages != 0 || st.CloseAbandonedPeers != 0 {
				t.Errorf("linger -1 gave up: %+v", st)
			}
		})
	}
}
