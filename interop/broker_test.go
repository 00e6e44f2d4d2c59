package interop

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	zmq4 "github.com/pebbe/zmq4"
	"github.com/purezmq/zmq"
)

var brokerCount atomic.Int64

// startBroker runs a ROUTER/DEALER broker, ours (zmq.Proxy) or libzmq's
// (zmq_proxy_steerable), and returns its frontend and backend endpoints.
// It is stopped when the test ends.
func startBroker(t *testing.T, ours bool, tr string) (front, back string) {
	t.Helper()
	if ours {
		f := newOurs(t, zmq.ROUTER)
		b := newOurs(t, zmq.DEALER)
		front, back = oursBind(t, f, bindAddr(t, tr)), oursBind(t, b, bindAddr(t, tr))
		done := make(chan error, 1)
		go func() { done <- zmq.Proxy(f, b, nil) }()
		t.Cleanup(func() {
			f.Close()
			b.Close()
			select {
			case err := <-done:
				if !errors.Is(err, zmq.ErrClosed) {
					t.Errorf("Proxy returned %v, want ErrClosed", err)
				}
			case <-time.After(timeout):
				t.Errorf("Proxy did not return after its sockets closed")
			}
		})
		return front, back
	}
	f := newLZ(t, zmq.ROUTER)
	b := newLZ(t, zmq.DEALER)
	front, back = lzBind(t, f, bindAddr(t, tr)), lzBind(t, b, bindAddr(t, tr))
	ctlAddr := fmt.Sprintf("inproc://broker-control-%d", brokerCount.Add(1))
	ctlProxy, err := zmq4.NewSocket(zmq4.PAIR)
	must(t, err)
	t.Cleanup(func() { ctlProxy.Close() })
	must(t, ctlProxy.Bind(ctlAddr))
	ctl := newLZ(t, zmq.PAIR)
	lzConnect(t, ctl, ctlAddr)
	done := make(chan error, 1)
	go func() { done <- zmq4.ProxySteerable(f, b, nil, ctlProxy) }()
	// Registered last, so it runs before the sockets are closed.
	t.Cleanup(func() {
		if _, err := ctl.Send("TERMINATE", 0); err != nil {
			t.Errorf("stopping libzmq's proxy: %v", err)
		}
		select {
		case <-done:
		case <-time.After(timeout):
			t.Errorf("libzmq's proxy did not stop")
		}
	})
	return front, back
}

// startWorker runs a REP worker, ours or libzmq's, connected to ep, that
// answers each request with "name:request". It stops when the test ends.
func startWorker(t *testing.T, ours bool, name, ep string) {
	t.Helper()
	var wg sync.WaitGroup
	stop := make(chan struct{})
	ready := make(chan error, 1)
	var rep *zmq.Socket
	wg.Add(1)
	if ours {
		rep = newOurs(t, zmq.REP)
		oursConnect(t, rep, ep)
		ready <- nil
		go func() {
			defer wg.Done()
			for {
				m, err := rep.Recv(context.Background())
				if err != nil {
					return // closed
				}
				if rep.Send(context.Background(), zmq.NewMsgString(name+":"+m.String())) != nil {
					return
				}
			}
		}()
	} else {
		// The libzmq socket lives and dies in its goroutine.
		go func() {
			defer wg.Done()
			rep, err := zmq4.NewSocket(zmq4.REP)
			if err != nil {
				ready <- err
				return
			}
			defer rep.Close()
			rep.SetLinger(0)
			rep.SetRcvtimeo(20 * time.Millisecond)
			rep.SetSndtimeo(timeout)
			ready <- rep.Connect(ep)
			for {
				select {
				case <-stop:
					return
				default:
				}
				m, err := rep.RecvMessage(0)
				if err != nil {
					continue
				}
				if _, err := rep.Send(name+":"+strings.Join(m, "|"), 0); err != nil {
					return
				}
			}
		}()
	}
	must(t, <-ready)
	t.Cleanup(func() {
		close(stop)
		if rep != nil {
			rep.Close() // ends its Recv
		}
		wg.Wait()
	})
}

// TestBroker: REQ clients, ours and libzmq's, through a ROUTER/DEALER
// broker, ours or libzmq's, to REP workers, ours and libzmq's.
func TestBroker(t *testing.T) {
	for _, oursBroker := range []bool{true, false} {
		for _, tr := range transports {
			name := map[bool]string{true: "ours-broker", false: "libzmq-broker"}[oursBroker]
			t.Run(name+"/"+tr, func(t *testing.T) {
				front, back := startBroker(t, oursBroker, tr)
				startWorker(t, true, "ours-worker", back)
				startWorker(t, false, "libzmq-worker", back)
				clients := []end{
					ourEnd{newOurs(t, zmq.REQ)}, lzEnd{newLZ(t, zmq.REQ)},
					ourEnd{newOurs(t, zmq.REQ)}, lzEnd{newLZ(t, zmq.REQ)},
				}
				for _, c := range clients {
					c.connect(t, front)
				}
				workers := map[string]int{}
				deadline := time.Now().Add(timeout)
				for round := 0; round < 3 || len(workers) < 2; round++ {
					if time.Now().After(deadline) {
						t.Fatalf("after %d rounds only these workers answered: %v", round, workers)
					}
					for i, c := range clients {
						c.send(t, []byte(fmt.Sprintf("client %d request %d", i, round)))
					}
					for i, c := range clients {
						m := c.recv(t)
						if len(m) != 1 {
							t.Fatalf("client %d received %s", i, show(m))
						}
						worker, req, _ := strings.Cut(string(m[0]), ":")
						if want := fmt.Sprintf("client %d request %d", i, round); req != want {
							t.Fatalf("client %d got the reply to %q, want to %q", i, req, want)
						}
						workers[worker]++
					}
				}
				for w := range workers {
					if w != "ours-worker" && w != "libzmq-worker" {
						t.Fatalf("reply from unknown worker %q", w)
					}
				}
			})
		}
	}
}
