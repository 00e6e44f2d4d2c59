package zmq

import (
	"context"
	"fmt"
	"reflect"
	"time"

	"github.com/purezmq/zmq/internal/pipe"
)

// PollEvents says what a Poller watches a socket for.
type PollEvents int

// Poll events, as libzmq's ZMQ_POLLIN and ZMQ_POLLOUT.
const (
	PollIn  PollEvents = 1
	PollOut PollEvents = 2
)

// Poller waits until one of several sockets can receive or send, so one
// goroutine can serve them all, as zmq_poll does. It is meant for the
// goroutine that then calls Recv and Send on the ready sockets.
type Poller struct {
	items []pollItem
}

type pollItem struct {
	socket *Socket
	events PollEvents
}

// Polled is a socket that is ready, and for what.
type Polled struct {
	Socket *Socket
	Events PollEvents
}

// NewPoller returns an empty poller.
func NewPoller() *Poller { return &Poller{} }

// Add watches s for events; adding a socket again replaces its events.
func (p *Poller) Add(s *Socket, events PollEvents) {
	for i := range p.items {
		if p.items[i].socket == s {
			p.items[i].events = events
			return
		}
	}
	p.items = append(p.items, pollItem{socket: s, events: events})
}

// Remove stops watching s.
func (p *Poller) Remove(s *Socket) {
	for i := range p.items {
		if p.items[i].socket == s {
			p.items = append(p.items[:i], p.items[i+1:]...)
			return
		}
	}
}

// Poll waits until at least one socket is ready or ctx is done, and returns
// the ready sockets. A closed socket reports ErrClosed.
func (p *Poller) Poll(ctx context.Context) ([]Polled, error) {
	return p.poll(ctx, nil)
}

// PollTimeout is Poll with a timeout instead of a context: 0 checks without
// waiting, a negative timeout waits for as long as it takes. On timeout it
// returns no sockets and no error, as zmq_poll does.
func (p *Poller) PollTimeout(timeout time.Duration) ([]Polled, error) {
	if timeout < 0 {
		return p.poll(context.Background(), nil)
	}
	t := time.NewTimer(timeout)
	defer t.Stop()
	return p.poll(context.Background(), t.C)
}

func (p *Poller) poll(ctx context.Context, expired <-chan time.Time) ([]Polled, error) {
	cases := p.selectCases(ctx, expired)
	for {
		ready, err := p.ready()
		if err != nil || len(ready) > 0 {
			return ready, err
		}
		chosen, _, _ := reflect.Select(cases)
		switch chosen {
		case 0:
			return nil, ctx.Err()
		case 1:
			return nil, nil
		}
	}
}

// ready checks every socket; checking arms the socket's queues, so a
// message or room that arrives afterwards fires a wake-up.
func (p *Poller) ready() ([]Polled, error) {
	var out []Polled
	for _, it := range p.items {
		if it.socket.isClosed() {
			return nil, fmt.Errorf("%w: polled socket", ErrClosed)
		}
		var got PollEvents
		if it.events&PollIn != 0 && it.socket.canRecv() {
			got |= PollIn
		}
		if it.events&PollOut != 0 && it.socket.canSend() {
			got |= PollOut
		}
		if got != 0 {
			out = append(out, Polled{Socket: it.socket, Events: got})
		}
	}
	return out, nil
}

func (p *Poller) selectCases(ctx context.Context, expired <-chan time.Time) []reflect.SelectCase {
	cases := []reflect.SelectCase{
		{Dir: reflect.SelectRecv, Chan: reflect.ValueOf(ctx.Done())},
		{Dir: reflect.SelectRecv, Chan: reflect.ValueOf(expired)},
	}
	for _, it := range p.items {
		cases = append(cases, reflect.SelectCase{Dir: reflect.SelectRecv, Chan: reflect.ValueOf(it.socket.done)})
		if it.events&PollIn != 0 {
			cases = append(cases, reflect.SelectCase{Dir: reflect.SelectRecv, Chan: reflect.ValueOf(it.socket.readable)})
		}
		if it.events&PollOut != 0 {
			cases = append(cases, reflect.SelectCase{Dir: reflect.SelectRecv, Chan: reflect.ValueOf(it.socket.writable)})
		}
	}
	return cases
}

// canRecv reports whether Recv would return a message now. It receives
// the message ahead and keeps it for the next Recv: that is exact for every
// socket type without each having to answer the question itself.
func (s *Socket) canRecv() bool {
	s.opMu.Lock()
	defer s.opMu.Unlock()
	if s.hasPeeked {
		return true
	}
	if err := s.pat.recv(&s.peeked); err != nil {
		s.peeked = pipe.Msg{} // nothing half-received stays
		return false
	}
	s.hasPeeked = true
	return true
}

// canSend reports whether Send would not block now: a socket type may say
// (PUB never blocks); otherwise some peer must have room.
func (s *Socket) canSend() bool {
	s.opMu.Lock()
	defer s.opMu.Unlock()
	if w, ok := s.pat.(interface{ writable() bool }); ok {
		return w.writable()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for p := range s.pipes {
		if p.Out.Writable() {
			return true
		}
	}
	return false
}
