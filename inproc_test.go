package zmq_test

import (
	"context"
	"errors"
	"strconv"
	"testing"
	"time"

	"github.com/purezmq/zmq"
)

func TestInprocOrderBetweenGoroutines(t *testing.T) {
	const n = 100000
	pull := newSocket(t, zmq.PAIR)
	push := newSocket(t, zmq.PAIR)
	bind(t, pull, "inproc://order")
	connect(t, push, "inproc://order")
	go func() {
		for i := 0; i < n; i++ {
			if push.Send(context.Background(), zmq.NewMsgString(strconv.Itoa(i))) != nil {
				return
			}
		}
	}()
	for i := 0; i < n; i++ {
		m, err := pull.Recv(ctxT(t))
		if err != nil {
			t.Fatal(err)
		}
		if got, _ := strconv.Atoi(m.String()); got != i {
			t.Fatalf("message %d arrived as %d", i, got)
		}
	}
}

func TestInprocZeroCopy(t *testing.T) {
	pull := newSocket(t, zmq.PULL)
	push := newSocket(t, zmq.PUSH)
	connect(t, push, bind(t, pull, "inproc://zerocopy"))
	body := []byte("shared")
	if err := push.Send(ctxT(t), zmq.NewMsg(body)); err != nil {
		t.Fatal(err)
	}
	m, err := pull.Recv(ctxT(t))
	if err != nil {
		t.Fatal(err)
	}
	if &m.Frames[0][0] != &body[0] {
		t.Fatal("inproc copied the frame")
	}
}

func TestContextsIsolateInprocNames(t *testing.T) {
	c1, c2 := zmq.NewContext(), zmq.NewContext()
	defer c1.Close()
	defer c2.Close()
	a, _ := c1.NewSocket(zmq.PAIR, zmq.WithLinger(0))
	b, _ := c2.NewSocket(zmq.PAIR, zmq.WithLinger(0))
	if err := a.Bind("inproc://same"); err != nil {
		t.Fatal(err)
	}
	if err := b.Bind("inproc://same"); err != nil {
		t.Fatalf("a name bound in another context clashed: %v", err)
	}
	a2, _ := c1.NewSocket(zmq.PAIR, zmq.WithLinger(0))
	if err := a2.Bind("inproc://same"); !errors.Is(err, zmq.ErrAddrInUse) {
		t.Fatalf("second bind in one context: %v, want ErrAddrInUse", err)
	}
	peer, _ := c2.NewSocket(zmq.PAIR, zmq.WithLinger(0))
	if err := peer.Connect("inproc://same"); err != nil {
		t.Fatal(err)
	}
	send(t, peer, "to c2")
	expect(t, b, "to c2")
}

func TestContextCloseUnblocksSockets(t *testing.T) {
	c := zmq.NewContext()
	s, err := c.NewSocket(zmq.PULL)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Bind("inproc://ctx-close"); err != nil {
		t.Fatal(err)
	}
	errc := make(chan error, 1)
	go func() { _, err := s.Recv(context.Background()); errc <- err }()
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-errc:
		if !errors.Is(err, zmq.ErrClosed) {
			t.Fatalf("Recv returned %v, want ErrClosed", err)
		}
	case <-time.After(testTimeout):
		t.Fatal("closing the context did not unblock Recv")
	}
	if _, err := c.NewSocket(zmq.PAIR); !errors.Is(err, zmq.ErrClosed) {
		t.Fatalf("NewSocket on a closed context: %v", err)
	}
	if err := s.Send(ctxT(t), zmq.NewMsgString("x")); !errors.Is(err, zmq.ErrClosed) {
		t.Fatalf("Send on a terminated socket: %v", err)
	}
}

func TestInprocConnectNeverBoundThenClose(t *testing.T) {
	s, err := zmq.NewSocket(zmq.PUSH, zmq.WithLinger(0))
	if err != nil {
		t.Fatal(err)
	}
	connect(t, s, "inproc://never-bound")
	send(t, s, "queued")
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	// The name is free for others, with nothing of the closed socket left.
	b := newSocket(t, zmq.PULL, zmq.WithRecvTimeout(0))
	bind(t, b, "inproc://never-bound")
	if _, err := b.Recv(ctxT(t)); !errors.Is(err, zmq.ErrAgain) {
		t.Fatalf("a closed socket's pending connect delivered: %v", err)
	}
}

func TestInprocPeerCloseLetsOthersContinue(t *testing.T) {
	pull := newSocket(t, zmq.PULL)
	bind(t, pull, "inproc://fanin")
	a := newSocket(t, zmq.PUSH)
	b := newSocket(t, zmq.PUSH)
	connect(t, a, "inproc://fanin")
	connect(t, b, "inproc://fanin")
	send(t, a, "from a")
	a.Close()
	expect(t, pull, "from a")
	send(t, b, "from b")
	expect(t, pull, "from b")
}
