package zmq_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"testing"
	"time"

	"github.com/purezmq/zmq"
)

func TestPushPullOrderAndMultipart(t *testing.T) {
	for _, tr := range transports {
		t.Run(tr.name, func(t *testing.T) {
			pull := newSocket(t, zmq.PULL)
			push := newSocket(t, zmq.PUSH)
			connect(t, push, bind(t, pull, tr.endpoint(t)))
			const n = 5000
			go func() {
				for i := 0; i < n; i++ {
					if err := push.Send(context.Background(), zmq.NewMsgString("part", fmt.Sprint(i), "")); err != nil {
						return
					}
				}
			}()
			for i := 0; i < n; i++ {
				expect(t, pull, "part", fmt.Sprint(i), "")
			}
		})
	}
}

func TestFrameSizes(t *testing.T) {
	sizes := []int{0, 1, 255, 256, 16 << 10, 65536, 1<<20 + 1}
	for _, tr := range transports {
		t.Run(tr.name, func(t *testing.T) {
			pull := newSocket(t, zmq.PULL)
			push := newSocket(t, zmq.PUSH)
			connect(t, push, bind(t, pull, tr.endpoint(t)))
			for _, size := range sizes {
				body := make([]byte, size)
				for i := range body {
					body[i] = byte(i * 7)
				}
				if err := push.Send(ctxT(t), zmq.NewMsg(body, []byte("tail"))); err != nil {
					t.Fatal(err)
				}
				m, err := pull.Recv(ctxT(t))
				if err != nil {
					t.Fatal(err)
				}
				if len(m.Frames) != 2 || string(m.Frames[0]) != string(body) || string(m.Frames[1]) != "tail" {
					t.Fatalf("size %d: frames differ", size)
				}
			}
		})
	}
}

func TestConnectBeforeBind(t *testing.T) {
	for _, tr := range transports {
		t.Run(tr.name, func(t *testing.T) {
			ep := tr.endpoint(t)
			switch tr.name {
			case "tcp":
				ep = freeTCPEndpoint(t)
			case "tcp6":
				ep = freeEndpointOn(t, "[::1]")
			}
			push := newSocket(t, zmq.PUSH, zmq.WithReconnectInterval(10*time.Millisecond, 0))
			connect(t, push, ep)
			send(t, push, "queued before the peer was there")
			pull := newSocket(t, zmq.PULL)
			bind(t, pull, ep)
			expect(t, pull, "queued before the peer was there")
		})
	}
}

// freeTCPEndpoint returns a loopback endpoint nothing listens on.
func freeTCPEndpoint(t *testing.T) string {
	t.Helper()
	return freeEndpointOn(t, "127.0.0.1")
}

func freeEndpointOn(t *testing.T, host string) string {
	t.Helper()
	ln, err := net.Listen("tcp", host+":0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return "tcp://" + ln.Addr().String()
}

func TestReconnectAfterPeerRestarts(t *testing.T) {
	ep := freeTCPEndpoint(t)
	push := newSocket(t, zmq.PUSH, zmq.WithReconnectInterval(10*time.Millisecond, 0))
	connect(t, push, ep)
	for round := 0; round < 3; round++ {
		pull, err := zmq.NewSocket(zmq.PULL, zmq.WithLinger(0))
		if err != nil {
			t.Fatal(err)
		}
		bind(t, pull, ep)
		// A message sent while the old connection's end is still on its
		// way is lost with it, as in libzmq: resend until one arrives.
		want := fmt.Sprint(round)
		eventually(t, "a message over the new connection", func() bool {
			send(t, push, want)
			m, err := pull.Recv(ctxTimeout(t, 20*time.Millisecond))
			return err == nil && m.String() == want
		})
		pull.Close()
	}
}

func TestSendHWMBlocksThenTimesOut(t *testing.T) {
	push := newSocket(t, zmq.PUSH, zmq.WithSendHWM(10), zmq.WithSendTimeout(0))
	connect(t, push, freeTCPEndpoint(t))
	for i := 0; i < 10; i++ {
		send(t, push, "x")
	}
	if err := push.Send(ctxT(t), zmq.NewMsgString("x")); !errors.Is(err, zmq.ErrAgain) {
		t.Fatalf("send past HWM: %v, want ErrAgain", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := push.SetOptions(zmq.WithSendTimeout(-1)); err != nil {
		t.Fatal(err)
	}
	if err := push.Send(ctx, zmq.NewMsgString("x")); !errors.Is(err, context.Canceled) {
		t.Fatalf("send with a cancelled ctx: %v, want context.Canceled", err)
	}
}

func TestCloseUnblocksRecvAndSend(t *testing.T) {
	pull, err := zmq.NewSocket(zmq.PULL)
	if err != nil {
		t.Fatal(err)
	}
	bind(t, pull, "tcp://127.0.0.1:*")
	push, err := zmq.NewSocket(zmq.PUSH, zmq.WithLinger(0))
	if err != nil {
		t.Fatal(err)
	}
	errs := make(chan error, 2)
	go func() { _, err := pull.Recv(context.Background()); errs <- err }()
	go func() { errs <- push.Send(context.Background(), zmq.NewMsgString("nobody")) }()
	pull.Close()
	push.Close()
	for i := 0; i < 2; i++ {
		select {
		case err := <-errs:
			if !errors.Is(err, zmq.ErrClosed) {
				t.Fatalf("blocked call returned %v, want ErrClosed", err)
			}
		case <-time.After(testTimeout):
			t.Fatal("Close did not unblock a pending call")
		}
	}
	if err := pull.Send(ctxT(t), zmq.NewMsgString("x")); !errors.Is(err, zmq.ErrClosed) {
		t.Fatalf("Send after Close: %v", err)
	}
}

func TestLingerDeliversQueuedMessages(t *testing.T) {
	ep := freeTCPEndpoint(t)
	push, err := zmq.NewSocket(zmq.PUSH, zmq.WithLinger(testTimeout), zmq.WithReconnectInterval(10*time.Millisecond, 0))
	if err != nil {
		t.Fatal(err)
	}
	connect(t, push, ep)
	const n = 100
	for i := 0; i < n; i++ {
		send(t, push, fmt.Sprint(i))
	}
	closed := make(chan error, 1)
	go func() { closed <- push.Close() }()
	pull := newSocket(t, zmq.PULL)
	bind(t, pull, ep)
	for i := 0; i < n; i++ {
		expect(t, pull, fmt.Sprint(i))
	}
	select {
	case err := <-closed:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(testTimeout):
		t.Fatal("Close did not return once the queue was delivered")
	}
}

func TestLingerZeroDropsAtOnce(t *testing.T) {
	push, err := zmq.NewSocket(zmq.PUSH, zmq.WithLinger(0))
	if err != nil {
		t.Fatal(err)
	}
	connect(t, push, freeTCPEndpoint(t))
	send(t, push, "dropped")
	done := make(chan struct{})
	go func() { push.Close(); close(done) }()
	select {
	case <-done:
	case <-time.After(testTimeout):
		t.Fatal("Close with linger 0 blocked")
	}
}

func TestMaxMsgSizeDropsSender(t *testing.T) {
	pull := newSocket(t, zmq.PULL, zmq.WithMaxMsgSize(1000))
	push := newSocket(t, zmq.PUSH)
	connect(t, push, bind(t, pull, "tcp://127.0.0.1:*"))
	// The limit is per frame, as libzmq's: two frames under it pass.
	if err := push.Send(ctxT(t), zmq.NewMsg(make([]byte, 600), make([]byte, 600))); err != nil {
		t.Fatal(err)
	}
	if m, err := pull.Recv(ctxT(t)); err != nil || len(m.Frames) != 2 {
		t.Fatalf("frames under the limit: %v", err)
	}
	if err := push.Send(ctxT(t), zmq.NewMsg(make([]byte, 1001))); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the oversized frame to be refused", func() bool { return pull.Stats().OversizedMessages > 0 })
	if err := pull.SetOptions(zmq.WithRecvTimeout(0)); err != nil {
		t.Fatal(err)
	}
	if _, err := pull.Recv(ctxT(t)); !errors.Is(err, zmq.ErrAgain) {
		t.Fatalf("oversized message delivered: %v", err)
	}
}

func TestEndpointErrors(t *testing.T) {
	s := newSocket(t, zmq.PAIR)
	for _, ep := range []string{"", "tcp://", "tcp://127.0.0.1", "foo://x", "tcp://127.0.0.1:99999", "ipc://", "inproc://"} {
		if err := s.Bind(ep); !errors.Is(err, zmq.ErrEndpoint) {
			t.Errorf("Bind(%q) = %v, want ErrEndpoint", ep, err)
		}
	}
	if err := s.Connect("tcp://*:5555"); !errors.Is(err, zmq.ErrEndpoint) {
		t.Errorf("Connect to a wildcard: %v, want ErrEndpoint", err)
	}
	a := newSocket(t, zmq.PAIR)
	ep := bind(t, a, "tcp://127.0.0.1:*")
	if err := s.Bind(ep); !errors.Is(err, zmq.ErrAddrInUse) {
		t.Errorf("second Bind(%s) = %v, want ErrAddrInUse", ep, err)
	}
}

func TestReconnectDisabled(t *testing.T) {
	pull, err := zmq.NewSocket(zmq.PULL, zmq.WithLinger(0))
	if err != nil {
		t.Fatal(err)
	}
	ep := bind(t, pull, "tcp://127.0.0.1:*")
	push := newSocket(t, zmq.PUSH, zmq.WithReconnectInterval(-1, 0), zmq.WithSendTimeout(0))
	connect(t, push, ep)
	send(t, push, "first")
	expect(t, pull, "first")
	events := push.Monitor(zmq.EventDisconnected)
	pull.Close()
	nextEvent(t, events, zmq.EventDisconnected)
	// With reconnection off the endpoint's pipe goes with its connection,
	// so a PUSH with no other peer has nowhere to queue. Were it kept for
	// a reconnection, 1000 sends (the HWM) would be queued first.
	queued := 0
	eventually(t, "the pipe to go with its connection", func() bool {
		if errors.Is(push.Send(ctxT(t), zmq.NewMsgString("x")), zmq.ErrAgain) {
			return true
		}
		queued++
		return false
	})
	if queued >= 100 {
		t.Fatalf("%d messages queued for a connection that will not come back", queued)
	}
}

func TestImmediateSkipsEndpointsNotUp(t *testing.T) {
	pull := newSocket(t, zmq.PULL)
	live := bind(t, pull, "tcp://127.0.0.1:*")
	push := newSocket(t, zmq.PUSH, zmq.WithImmediate(true))
	events := push.Monitor(zmq.EventHandshakeSucceeded)
	connect(t, push, freeTCPEndpoint(t)) // never up
	connect(t, push, live)
	nextEvent(t, events, zmq.EventHandshakeSucceeded)
	// Without ZMQ_IMMEDIATE every other message would queue for the
	// endpoint that is not up.
	for i := 0; i < 10; i++ {
		send(t, push, fmt.Sprint(i))
	}
	for i := 0; i < 10; i++ {
		expect(t, pull, fmt.Sprint(i))
	}
}

// A connecting socket whose peer hangs up right after answering has
// nothing left to send, so even waiting for ever (linger -1) its Close
// returns. It used to hang now and then: the connection's writer, ending
// with its connection, did not record that it had taken the last request,
// and Close waited for a queue it counted as not empty.
func TestCloseAfterPeerHangsUp(t *testing.T) {
	for i := 0; i < 30; i++ {
		// The REP lingers so that its answer goes out before it hangs up.
		rep := newSocket(t, zmq.REP, zmq.WithLinger(-1))
		ep := bind(t, rep, "tcp://127.0.0.1:*")
		req, err := zmq.NewSocket(zmq.REQ, zmq.WithLinger(-1))
		if err != nil {
			t.Fatal(err)
		}
		connect(t, req, ep)
		send(t, req, "ping")
		recv(t, rep)
		send(t, rep, "pong")
		rep.Close()
		recv(t, req)
		closed := make(chan error, 1)
		go func() { closed <- req.Close() }()
		select {
		case err := <-closed:
			if err != nil {
				t.Fatal(err)
			}
		case <-time.After(testTimeout):
			t.Fatalf("round %d: Close hung with nothing left to send", i)
		}
	}
}
