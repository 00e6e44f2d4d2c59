package main

import (
	"fmt"
	"time"

	"github.com/purezmq/zmq"
)

// peerWatch notices whether a socket ever had a peer. Sending on a
// connecting socket only queues the message; without a peer in time it is
// dropped at close, and only the socket's events can tell.
type peerWatch struct {
	m *zmq.Monitor
}

const handshakeEvents = zmq.EventHandshakeSucceeded | zmq.EventHandshakeFailedNoDetail |
	zmq.EventHandshakeFailedProtocol | zmq.EventHandshakeFailedAuth

func watchPeers(s *zmq.Socket) *peerWatch {
	return &peerWatch{m: s.Monitor(handshakeEvents)}
}

// verdict reads the events once the socket is closed (which ends the
// monitor) and fails if no peer ever completed a handshake, naming the
// last failure if there was one.
func (w *peerWatch) verdict(timeout time.Duration) error {
	var last *zmq.Event
	for e := range w.m.C {
		switch {
		case e.Type == zmq.EventHandshakeSucceeded:
			return nil
		case e.Type&handshakeEvents != 0:
			last = &e
		}
	}
	if last != nil {
		return fmt.Errorf("no peer took the messages within %v (last try: %v)", timeout, last)
	}
	return fmt.Errorf("no peer took the messages within %v", timeout)
}
