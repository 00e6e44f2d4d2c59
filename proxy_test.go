package zmq_test

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/purezmq/zmq"
)

func TestPollerReadiness(t *testing.T) {
	pull := newSocket(t, zmq.PULL)
	push := newSocket(t, zmq.PUSH)
	connect(t, push, bind(t, pull, "inproc://poller"))
	poller := zmq.NewPoller()
	poller.Add(pull, zmq.PollIn)
	poller.Add(push, zmq.PollOut)
	ready, err := poller.PollTimeout(0)
	if err != nil {
		t.Fatal(err)
	}
	if len(ready) != 1 || ready[0].Socket != push || ready[0].Events != zmq.PollOut {
		t.Fatalf("ready before any message: %+v, want only push writable", ready)
	}
	poller.Remove(push)
	send(t, push, "hi")
	ready, err = poller.Poll(ctxT(t))
	if err != nil || len(ready) != 1 || ready[0].Socket != pull {
		t.Fatalf("Poll = %+v, %v; want pull readable", ready, err)
	}
	expect(t, pull, "hi")
	ready, err = poller.PollTimeout(10 * time.Millisecond)
	if err != nil || len(ready) != 0 {
		t.Fatalf("after the message was taken: %+v, %v", ready, err)
	}
}

func TestProxyPipeline(t *testing.T) {
	front := newSocket(t, zmq.PULL)
	back := newSocket(t, zmq.PUSH)
	in := bind(t, front, "tcp://127.0.0.1:*")
	out := bind(t, back, "tcp://127.0.0.1:*")
	control := newSocket(t, zmq.PAIR)
	controller := newSocket(t, zmq.PAIR)
	connect(t, controller, bind(t, control, "inproc://proxy-control"))
	done := make(chan error, 1)
	go func() { done <- zmq.ProxySteerable(context.Background(), front, back, nil, control) }()

	producer := newSocket(t, zmq.PUSH)
	connect(t, producer, in)
	consumer := newSocket(t, zmq.PULL)
	connect(t, consumer, out)
	for i := 0; i < 100; i++ {
		send(t, producer, "job", fmt.Sprint(i))
	}
	for i := 0; i < 100; i++ {
		expect(t, consumer, "job", fmt.Sprint(i))
	}
	send(t, controller, "STATISTICS")
	stats, err := controller.Recv(ctxT(t))
	if err != nil {
		t.Fatal(err)
	}
	if len(stats.Frames) != 8 || binary.LittleEndian.Uint64(stats.Frames[0]) != 100 || binary.LittleEndian.Uint64(stats.Frames[6]) != 100 {
		t.Fatalf("statistics %v", stats.Frames)
	}
	send(t, controller, "TERMINATE")
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("proxy ended with %v", err)
		}
	case <-time.After(testTimeout):
		t.Fatal("TERMINATE did not end the proxy")
	}
}

func TestProxyEndsWhenSocketCloses(t *testing.T) {
	front := newSocket(t, zmq.PULL)
	back := newSocket(t, zmq.PUSH)
	bind(t, front, "inproc://proxy-front")
	done := make(chan error, 1)
	go func() { done <- zmq.Proxy(front, back, nil) }()
	front.Close()
	select {
	case err := <-done:
		if !errors.Is(err, zmq.ErrClosed) {
			t.Fatalf("proxy ended with %v, want ErrClosed", err)
		}
	case <-time.After(testTimeout):
		t.Fatal("closing a socket did not end the proxy")
	}
}

func TestPollerFollowsTheRequestReplyTurn(t *testing.T) {
	rep := newSocket(t, zmq.REP)
	req := newSocket(t, zmq.REQ)
	connect(t, req, bind(t, rep, "inproc://poll-turn"))
	poller := zmq.NewPoller()
	poller.Add(rep, zmq.PollOut)
	if ready, _ := poller.PollTimeout(0); len(ready) != 0 {
		t.Fatal("REP writable before a request")
	}
	send(t, req, "q")
	poller.Add(req, zmq.PollOut)
	if ready, _ := poller.PollTimeout(0); len(ready) != 0 {
		t.Fatalf("writable while the REQ awaits its reply and the REP has no request: %+v", ready)
	}
	expect(t, rep, "q")
	if ready, _ := poller.PollTimeout(0); len(ready) != 1 || ready[0].Socket != rep {
		t.Fatalf("REP holding a request not writable: %+v", ready)
	}
}

func TestMonitorOnClosedSocketEnds(t *testing.T) {
	s, err := zmq.NewSocket(zmq.PAIR)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	m := s.Monitor(zmq.EventAll)
	ended := make(chan struct{})
	go func() {
		for range m.C {
		}
		close(ended)
	}()
	select {
	case <-ended:
	case <-time.After(testTimeout):
		t.Fatal("a monitor of a closed socket never ended")
	}
}
