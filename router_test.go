package zmq_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/purezmq/zmq"
)

// TestRouterDealers: messages come prefixed with the sender's routing id,
// and replies go where their first frame says.
func TestRouterDealers(t *testing.T) {
	for _, tr := range transports {
		t.Run(tr.name, func(t *testing.T) {
			router := newSocket(t, zmq.ROUTER)
			ep := bind(t, router, tr.endpoint(t))
			dealers := map[string]*zmq.Socket{}
			for _, id := range []string{"alpha", "beta", "gamma"} {
				d := newSocket(t, zmq.DEALER, zmq.WithRoutingID([]byte(id)))
				connect(t, d, ep)
				dealers[id] = d
			}
			for id, d := range dealers {
				send(t, d, "hello from", id)
			}
			for range dealers {
				m := recv(t, router)
				if len(m) != 3 || m[1] != "hello from" || m[2] != m[0] {
					t.Fatalf("router received %q", m)
				}
			}
			for id := range dealers {
				send(t, router, id, "reply to", id)
			}
			for id, d := range dealers {
				expect(t, d, "reply to", id)
			}
		})
	}
}

// TestRouterGeneratedID: a peer with no routing id gets a made-up one, a
// zero byte and four more, that routes back to it.
func TestRouterGeneratedID(t *testing.T) {
	for _, tr := range transports {
		t.Run(tr.name, func(t *testing.T) {
			router := newSocket(t, zmq.ROUTER)
			d1 := newSocket(t, zmq.DEALER)
			d2 := newSocket(t, zmq.DEALER)
			ep := bind(t, router, tr.endpoint(t))
			connect(t, d1, ep)
			connect(t, d2, ep)
			send(t, d1, "one")
			m1 := recv(t, router)
			send(t, d2, "two")
			m2 := recv(t, router)
			for _, m := range [][]string{m1, m2} {
				if len(m[0]) != 5 || m[0][0] != 0 {
					t.Fatalf("generated id %q is not 0 and 4 bytes", m[0])
				}
			}
			if m1[0] == m2[0] {
				t.Fatal("two peers got the same id")
			}
			send(t, router, m2[0], "back to two")
			send(t, router, m1[0], "back to one")
			expect(t, d1, "back to one")
			expect(t, d2, "back to two")
		})
	}
}

func TestRouterUnknownPeer(t *testing.T) {
	router := newSocket(t, zmq.ROUTER)
	send(t, router, "nobody", "dropped") // silently
	send(t, router, "only an id")        // malformed: dropped too
	if err := router.SetOptions(zmq.WithRouterMandatory(true)); err != nil {
		t.Fatal(err)
	}
	err := router.Send(ctxT(t), zmq.NewMsgString("nobody", "x"))
	if !errors.Is(err, zmq.ErrHostUnreachable) {
		t.Fatalf("mandatory send to an unknown id: %v, want ErrHostUnreachable", err)
	}
}

// TestRouterMandatoryFull: with WithRouterMandatory a full peer makes the
// send wait, or with no send timeout return ErrAgain; without it the
// message is dropped.
func TestRouterMandatoryFull(t *testing.T) {
	router := newSocket(t, zmq.ROUTER, zmq.WithRouterMandatory(true), zmq.WithSendHWM(1), zmq.WithSendTimeout(0))
	d := newSocket(t, zmq.DEALER, zmq.WithRoutingID([]byte("d")), zmq.WithRecvHWM(1))
	connect(t, d, bind(t, router, "inproc://"+t.Name()))
	send(t, router, "d", "1")
	send(t, router, "d", "2") // the inproc queue holds both HWMs
	if err := router.Send(ctxT(t), zmq.NewMsgString("d", "3")); !errors.Is(err, zmq.ErrAgain) {
		t.Fatalf("send to a full peer: %v, want ErrAgain", err)
	}
	router.SetOptions(zmq.WithRouterMandatory(false))
	send(t, router, "d", "dropped")
	expect(t, d, "1")
	expect(t, d, "2")
	router.SetOptions(zmq.WithRouterMandatory(true))
	send(t, router, "d", "3")
	expect(t, d, "3")
}

// TestRouterDuplicateID: as in libzmq, a second peer with an id in use is
// ignored: what it sends is dropped and the id still routes to the first.
func TestRouterDuplicateID(t *testing.T) {
	for _, tr := range transports {
		t.Run(tr.name, func(t *testing.T) {
			router := newSocket(t, zmq.ROUTER)
			ep := bind(t, router, tr.endpoint(t))
			first := newSocket(t, zmq.DEALER, zmq.WithRoutingID([]byte("same")))
			connect(t, first, ep)
			send(t, first, "first")
			expect(t, router, "same", "first")

			second := newSocket(t, zmq.DEALER, zmq.WithRoutingID([]byte("same")))
			other := newSocket(t, zmq.DEALER, zmq.WithRoutingID([]byte("other")))
			connect(t, second, ep)
			connect(t, other, ep)
			send(t, second, "second")
			// The second's message is dropped; another peer's is not.
			send(t, other, "marker")
			// The second's connection may be taken after the marker's.
			send(t, first, "again")
			for got := 0; got < 2; {
				m := recv(t, router)
				switch {
				case m[0] == "other" && m[1] == "marker", m[0] == "same" && m[1] == "again":
					got++
				default:
					t.Fatalf("router received %q", m)
				}
			}
			send(t, router, "same", "to first")
			expect(t, first, "to first")

			// Once the first leaves, the id is free for the second.
			first.Close()
			for i := 0; ; i++ {
				send(t, second, fmt.Sprint("retry ", i))
				m, err := tryRecv(router, pollInterval)
				if err == nil {
					if string(m.Frames[0]) != "same" {
						t.Fatalf("router received %q", m.Frames)
					}
					break
				}
			}
			send(t, router, "same", "to second")
			expect(t, second, "to second")
		})
	}
}

// TestRouterHandover: with WithRouterHandover the newcomer takes the id.
func TestRouterHandover(t *testing.T) {
	for _, tr := range transports {
		t.Run(tr.name, func(t *testing.T) {
			router := newSocket(t, zmq.ROUTER, zmq.WithRouterHandover(true))
			ep := bind(t, router, tr.endpoint(t))
			first := newSocket(t, zmq.DEALER, zmq.WithRoutingID([]byte("same")))
			connect(t, first, ep)
			send(t, first, "first")
			expect(t, router, "same", "first")

			second := newSocket(t, zmq.DEALER, zmq.WithRoutingID([]byte("same")))
			connect(t, second, ep)
			send(t, second, "second")
			expect(t, router, "same", "second")
			send(t, router, "same", "to second")
			expect(t, second, "to second")
		})
	}
}

// TestRouterToRouter: a connecting ROUTER can route to the bound one once
// the handshake told it the id; WithProbeRouter tells the bound one the
// connecting one's id.
func TestRouterToRouter(t *testing.T) {
	for _, tr := range transports {
		t.Run(tr.name, func(t *testing.T) {
			server := newSocket(t, zmq.ROUTER, zmq.WithRoutingID([]byte("server")))
			client := newSocket(t, zmq.ROUTER, zmq.WithRoutingID([]byte("client")),
				zmq.WithProbeRouter(true), zmq.WithRouterMandatory(true))
			connect(t, client, bind(t, server, tr.endpoint(t)))
			expect(t, server, "client", "") // the probe
			untilNoError(t, "send to the server", zmq.ErrHostUnreachable, func() error {
				return client.Send(ctxT(t), zmq.NewMsgString("server", "hi"))
			})
			expect(t, server, "client", "hi")
			send(t, server, "client", "hello")
			expect(t, client, "server", "hello")
		})
	}
}

// TestRouterConnectRoutingID names a connection from the connecting side.
func TestRouterConnectRoutingID(t *testing.T) {
	for _, tr := range transports {
		t.Run(tr.name, func(t *testing.T) {
			server := newSocket(t, zmq.ROUTER)
			client := newSocket(t, zmq.ROUTER, zmq.WithRoutingID([]byte("client")), zmq.WithRouterMandatory(true))
			ep := bind(t, server, tr.endpoint(t))
			if err := client.SetOptions(zmq.WithConnectRoutingID([]byte("srv1"))); err != nil {
				t.Fatal(err)
			}
			connect(t, client, ep)
			untilNoError(t, "send to srv1", zmq.ErrHostUnreachable, func() error {
				return client.Send(ctxT(t), zmq.NewMsgString("srv1", "hi"))
			})
			expect(t, server, "client", "hi")
			send(t, server, "client", "back")
			expect(t, client, "srv1", "back")
		})
	}
}

// TestRouterReconnect: a connecting ROUTER's peer restarts; the id routes
// to the new one.
func TestRouterReconnect(t *testing.T) {
	for _, tr := range transports[:2] {
		t.Run(tr.name, func(t *testing.T) {
			client := newSocket(t, zmq.ROUTER, zmq.WithRouterMandatory(true), zmq.WithReconnectInterval(10*time.Millisecond, 0))
			server := newSocket(t, zmq.DEALER, zmq.WithRoutingID([]byte("server")))
			ep := bind(t, server, tr.endpoint(t))
			connect(t, client, ep)
			untilNoError(t, "send", zmq.ErrHostUnreachable, func() error {
				return client.Send(ctxT(t), zmq.NewMsgString("server", "1"))
			})
			expect(t, server, "1")
			server.Close()
			server2 := newSocket(t, zmq.DEALER, zmq.WithRoutingID([]byte("server")))
			untilNoError(t, "rebind", zmq.ErrAddrInUse, func() error { return server2.Bind(ep) })
			// Messages queued while the peer was away go to the new one.
			for i := 0; ; i++ {
				send(t, client, "server", fmt.Sprint("ping ", i))
				m, err := tryRecv(server2, pollInterval)
				if err == nil {
					if len(m.Frames) != 1 {
						t.Fatalf("server received %q", m.Frames)
					}
					break
				}
			}
			send(t, server2, "pong")
			expect(t, client, "server", "pong")
		})
	}
}

func TestDealerProbeRouter(t *testing.T) {
	router := newSocket(t, zmq.ROUTER)
	dealer := newSocket(t, zmq.DEALER, zmq.WithProbeRouter(true), zmq.WithRoutingID([]byte("d1")))
	connect(t, dealer, bind(t, router, "tcp://127.0.0.1:*"))
	// The ROUTER hears of the DEALER before the DEALER says anything.
	expect(t, router, "d1", "")
	send(t, router, "d1", "hello")
	expect(t, dealer, "hello")
}
