package zmq

import (
	"errors"
	"fmt"
	"sync"

	"github.com/purezmq/zmq/internal/engine"
	"github.com/purezmq/zmq/internal/zmtp"
)

// EventType is a kind of socket event, numbered as libzmq's ZMQ_EVENT_*
// values, so masks carry over.
type EventType int

// Socket events (see zmq_socket_monitor).
const (
	EventConnected               EventType = 0x0001
	EventConnectDelayed          EventType = 0x0002
	EventConnectRetried          EventType = 0x0004
	EventListening               EventType = 0x0008
	EventBindFailed              EventType = 0x0010
	EventAccepted                EventType = 0x0020
	EventAcceptFailed            EventType = 0x0040
	EventClosed                  EventType = 0x0080
	EventCloseFailed             EventType = 0x0100
	EventDisconnected            EventType = 0x0200
	EventMonitorStopped          EventType = 0x0400
	EventHandshakeFailedNoDetail EventType = 0x0800
	EventHandshakeSucceeded      EventType = 0x1000
	EventHandshakeFailedProtocol EventType = 0x2000
	EventHandshakeFailedAuth     EventType = 0x4000
	// EventAll selects every event.
	EventAll EventType = 0xffff
)

var eventNames = map[EventType]string{
	EventConnected: "CONNECTED", EventConnectDelayed: "CONNECT_DELAYED", EventConnectRetried: "CONNECT_RETRIED",
	EventListening: "LISTENING", EventBindFailed: "BIND_FAILED", EventAccepted: "ACCEPTED",
	EventAcceptFailed: "ACCEPT_FAILED", EventClosed: "CLOSED", EventCloseFailed: "CLOSE_FAILED",
	EventDisconnected: "DISCONNECTED", EventMonitorStopped: "MONITOR_STOPPED",
	EventHandshakeFailedNoDetail: "HANDSHAKE_FAILED_NO_DETAIL", EventHandshakeSucceeded: "HANDSHAKE_SUCCEEDED",
	EventHandshakeFailedProtocol: "HANDSHAKE_FAILED_PROTOCOL", EventHandshakeFailedAuth: "HANDSHAKE_FAILED_AUTH",
}

// String is the event's libzmq name without the ZMQ_EVENT_ prefix.
func (t EventType) String() string {
	if n, ok := eventNames[t]; ok {
		return n
	}
	return fmt.Sprintf("EventType(%#x)", int(t))
}

// Event is one thing that happened to a socket's connections.
type Event struct {
	Type EventType
	// Endpoint is the endpoint concerned: the one bound for a listener and
	// the connections it accepts, the one connected to otherwise.
	Endpoint string
	// Err says why, for failures and disconnections.
	Err error
}

func (e Event) String() string {
	if e.Err != nil {
		return fmt.Sprintf("%v %s: %v", e.Type, e.Endpoint, e.Err)
	}
	return fmt.Sprintf("%v %s", e.Type, e.Endpoint)
}

// Monitor delivers a socket's events on C, as zmq_socket_monitor does on
// a PAIR socket: a channel is how Go programs receive a stream of values,
// and it composes with select. Events are never allowed to slow the socket:
// when C is full, further events are dropped and counted.
type Monitor struct {
	// C receives the events; it is closed after EventMonitorStopped.
	C <-chan Event

	c       chan Event
	mask    EventType
	s       *Socket
	mu      sync.Mutex
	stopped bool
	dropped int
}

// monitorBuffer is how many events a monitor holds for a slow reader.
const monitorBuffer = 1024

// Monitor starts delivering the socket's events of the types in mask
// (EventAll for every one). Several monitors may watch one socket.
func (s *Socket) Monitor(mask EventType) *Monitor {
	c := make(chan Event, monitorBuffer)
	m := &Monitor{C: c, c: c, mask: mask, s: s}
	s.monMu.Lock()
	closed := s.monitorsStopped
	if !closed {
		s.monitors = append(s.monitors, m)
	}
	s.monMu.Unlock()
	if closed {
		m.stop() // a closed socket has nothing more to tell
	}
	return m
}

// Dropped is how many events were lost because C was full.
func (m *Monitor) Dropped() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.dropped
}

// Stop ends the monitor: EventMonitorStopped is delivered, then C closes.
// Closing the socket stops its monitors too.
func (m *Monitor) Stop() {
	m.s.monMu.Lock()
	for i, x := range m.s.monitors {
		if x == m {
			m.s.monitors = append(m.s.monitors[:i], m.s.monitors[i+1:]...)
			break
		}
	}
	m.s.monMu.Unlock()
	m.stop()
}

func (m *Monitor) stop() {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.stopped {
		return
	}
	m.stopped = true
	if m.mask&EventMonitorStopped != 0 {
		select {
		case m.c <- Event{Type: EventMonitorStopped}:
		default:
			m.dropped++
		}
	}
	close(m.c)
}

func (m *Monitor) deliver(e Event) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.stopped || m.mask&e.Type == 0 {
		return
	}
	select {
	case m.c <- e:
	default:
		m.dropped++
	}
}

// emit tells every monitor of the socket about an event.
func (s *Socket) emit(t EventType, endpoint string, err error) {
	s.monMu.Lock()
	defer s.monMu.Unlock()
	for _, m := range s.monitors {
		m.deliver(Event{Type: t, Endpoint: endpoint, Err: err})
	}
}

// stopMonitors ends every monitor, when the socket closes.
func (s *Socket) stopMonitors() {
	s.monMu.Lock()
	ms := s.monitors
	s.monitors, s.monitorsStopped = nil, true
	s.monMu.Unlock()
	for _, m := range ms {
		m.stop()
	}
}

// handshakeFailed reports a failed handshake with the detail libzmq gives.
func (s *Socket) handshakeFailed(endpoint string, err error) {
	switch {
	case errors.Is(err, zmtp.ErrAuth):
		s.emit(EventHandshakeFailedAuth, endpoint, err)
	case errors.Is(err, zmtp.ErrProtocol), errors.Is(err, engine.ErrSocketType), errors.Is(err, zmtp.ErrTooLarge):
		s.emit(EventHandshakeFailedProtocol, endpoint, err)
	default:
		s.emit(EventHandshakeFailedNoDetail, endpoint, err)
	}
}
