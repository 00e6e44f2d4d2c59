package zmq_test

import (
	"testing"
	"time"

	"github.com/purezmq/zmq"
)

// nextEvent waits for the next event of one of the given types, skipping
// others.
func nextEvent(t *testing.T, m *zmq.Monitor, types ...zmq.EventType) zmq.Event {
	t.Helper()
	deadline := time.After(testTimeout)
	for {
		select {
		case e, ok := <-m.C:
			if !ok {
				t.Fatalf("monitor closed while waiting for %v", types)
			}
			for _, want := range types {
				if e.Type == want {
					return e
				}
			}
		case <-deadline:
			t.Fatalf("no %v event", types)
		}
	}
}

func TestMonitorEvents(t *testing.T) {
	server := newSocket(t, zmq.REP)
	serverEvents := server.Monitor(zmq.EventAll)
	ep := bind(t, server, "tcp://127.0.0.1:*")
	if e := nextEvent(t, serverEvents, zmq.EventListening); e.Endpoint != ep {
		t.Fatalf("listening on %q, bound %q", e.Endpoint, ep)
	}

	client, err := zmq.NewSocket(zmq.REQ, zmq.WithLinger(0))
	if err != nil {
		t.Fatal(err)
	}
	clientEvents := client.Monitor(zmq.EventConnected | zmq.EventHandshakeSucceeded | zmq.EventMonitorStopped)
	connect(t, client, ep)
	nextEvent(t, clientEvents, zmq.EventConnected)
	nextEvent(t, clientEvents, zmq.EventHandshakeSucceeded)
	nextEvent(t, serverEvents, zmq.EventAccepted)
	nextEvent(t, serverEvents, zmq.EventHandshakeSucceeded)

	client.Close()
	nextEvent(t, clientEvents, zmq.EventMonitorStopped)
	if _, ok := <-clientEvents.C; ok {
		t.Fatal("monitor channel still open after the socket closed")
	}
	nextEvent(t, serverEvents, zmq.EventDisconnected)

	bad := dialRaw(t, ep)
	bad.handshake("PUB")
	e := nextEvent(t, serverEvents, zmq.EventHandshakeFailedProtocol)
	if e.Err == nil {
		t.Fatal("handshake failure without a reason")
	}
}

func TestMonitorConnectRetried(t *testing.T) {
	s := newSocket(t, zmq.PUSH, zmq.WithReconnectInterval(5*time.Millisecond, 0))
	events := s.Monitor(zmq.EventConnectRetried)
	connect(t, s, freeTCPEndpoint(t))
	nextEvent(t, events, zmq.EventConnectRetried)
	events.Stop()
}
