package main

import (
	"errors"
	"fmt"
	"time"

	"github.com/purezmq/zmq"
)

// peerWatch notices whether a socket ever had a peer, and why handshakes
// failed. Sending on a connecting socket only queues the message; without
// a peer in time it is dropped at close, and only the socket's events can
// tell. A receive that times out for want of a peer is explained the same
// way.
type peerWatch struct {
	m *zmq.Monitor
	// hint says where to look when a handshake fails: the credentials
	// this socket was given.
	hint string
}

const handshakeEvents = zmq.EventHandshakeSucceeded | zmq.EventHandshakeFailedNoDetail |
	zmq.EventHandshakeFailedProtocol | zmq.EventHandshakeFailedAuth

func watchPeers(s *zmq.Socket, hint string) *peerWatch {
	return &peerWatch{m: s.Monitor(handshakeEvents), hint: hint}
}

// outcome reads the events once the socket is closed (which ends the
// monitor): whether a peer ever completed a handshake, and the last
// failure if there was one.
func (w *peerWatch) outcome() (succeeded bool, lastFailure *zmq.Event) {
	for e := range w.m.C {
		switch {
		case e.Type == zmq.EventHandshakeSucceeded:
			succeeded = true
		case e.Type&handshakeEvents != 0:
			lastFailure = &e
		}
	}
	return succeeded, lastFailure
}

// verdict fails if no peer ever completed a handshake, naming the last
// failure if there was one.
func (w *peerWatch) verdict(timeout time.Duration) error {
	succeeded, last := w.outcome()
	switch {
	case succeeded:
		return nil
	case last != nil:
		return fmt.Errorf("no peer took the messages within %v: %s", timeout, w.failed(last))
	}
	return fmt.Errorf("no peer took the messages within %v", timeout)
}

// explain adds to a timeout the handshake failure that explains it, when no
// handshake succeeded: a CURVE client with the wrong server key otherwise
// learns only that no message came.
func (w *peerWatch) explain(err error) error {
	var te *timeoutError
	if !errors.As(err, &te) {
		return err
	}
	if succeeded, last := w.outcome(); !succeeded && last != nil {
		return fmt.Errorf("%w: %s", err, w.failed(last))
	}
	return err
}

func (w *peerWatch) failed(e *zmq.Event) string {
	msg := fmt.Sprintf("the handshake failed (last try: %v)", e)
	if w.hint != "" {
		msg += "; " + w.hint
	}
	return msg
}
