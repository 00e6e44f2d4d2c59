package zmq

import (
	"fmt"

	"github.com/purezmq/zmq/internal/pipe"
	"github.com/purezmq/zmq/internal/route"
)

// server is SERVER (RFC 41 CLISRV, libzmq 4.3's server_t): each peer gets
// a 32-bit routing id when it attaches; a message received carries the id
// of the peer it came from, and a message sent goes to the peer its
// RoutingID names, waiting while that peer's queue is full. PEER is the
// same with ConnectPeer besides.
type server struct {
	fairQueued
	noReconnect // a connecting pipe keeps its id across reconnections
	ids         route.IDTable
	// retired are detached pipes still holding messages: they keep their
	// id until read dry, so what they sent is labelled with it.
	retired []*pipe.Pipe
}

func newServer() *server { return isolate(server{ids: route.NewIDTable()}) }

func (s *server) attach(p *pipe.Pipe) bool {
	s.ids.Add(p)
	s.fq.Add(p)
	return true
}

func (s *server) detach(p *pipe.Pipe) {
	if p.In.Empty() {
		s.ids.Forget(p)
	} else {
		s.ids.Retire(p)
		s.retired = append(s.retired, p)
	}
	s.purge()
}

// purge forgets the retired pipes that have been read dry.
func (s *server) purge() {
	kept := s.retired[:0]
	for _, p := range s.retired {
		if p.In.Empty() {
			s.ids.Forget(p)
		} else {
			kept = append(kept, p)
		}
	}
	clear(s.retired[len(kept):])
	s.retired = kept
}

// send routes m by its RoutingID: ErrHostUnreachable for an id no peer
// has (libzmq's EHOSTUNREACH).
func (s *server) send(m *pipe.Msg) error {
	p := s.ids.Pipe(m.RoutingID)
	if p == nil {
		return fmt.Errorf("%w: no peer with routing id %d", ErrHostUnreachable, m.RoutingID)
	}
	msg := *m
	msg.RoutingID = 0
	if !p.Out.Push(&msg) {
		return errWouldBlock
	}
	return nil
}

// recv labels each message with its peer's id. A multipart message (which
// only an inproc peer of another type could send) is dropped, as libzmq
// drops it.
func (s *server) recv(m *pipe.Msg) error {
	for {
		from, ok := s.fq.Recv(m)
		if !ok {
			if len(s.retired) > 0 {
				s.purge()
			}
			return errWouldBlock
		}
		if len(m.Frames) != 1 {
			continue
		}
		m.RoutingID = s.ids.ID(from)
		return nil
	}
}

// writable: a SERVER can always try to send; whether it waits depends on
// the peer a message names, as libzmq says for polling.
func (s *server) writable() bool { return true }
