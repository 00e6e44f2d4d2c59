// Package route holds the strategies socket types share to pick pipes:
// load-balancing outgoing messages, fair-queuing incoming ones.
package route

import "github.com/purezmq/zmq/internal/pipe"

// LoadBalancer sends each message to the next pipe in turn that has room
// (libzmq's lb_t): a full pipe is skipped, not waited for, and so is a held
// one (a connection not made yet, under ZMQ_IMMEDIATE).
type LoadBalancer struct {
	pipes []*pipe.Pipe
	next  int
}

// Add makes p eligible.
func (lb *LoadBalancer) Add(p *pipe.Pipe) { lb.pipes = append(lb.pipes, p) }

// Remove drops p.
func (lb *LoadBalancer) Remove(p *pipe.Pipe) {
	for i, q := range lb.pipes {
		if q == p {
			lb.pipes = append(lb.pipes[:i], lb.pipes[i+1:]...)
			if lb.next > i {
				lb.next--
			}
			break
		}
	}
	if lb.next >= len(lb.pipes) {
		lb.next = 0
	}
}

// Len is the number of pipes.
func (lb *LoadBalancer) Len() int { return len(lb.pipes) }

// Send queues m on the next pipe with room and returns that pipe, or nil if
// every pipe is full (each is then armed to wake the sender).
func (lb *LoadBalancer) Send(m *pipe.Msg) *pipe.Pipe {
	n := len(lb.pipes)
	idx := lb.next
	for i := 0; i < n; i++ {
		p := lb.pipes[idx]
		if idx++; idx == n {
			idx = 0
		}
		if !p.Held() && p.Out.Push(m) {
			if lb.next != idx {
				// Only when it moves: a store per message
				// would dirty the line for nothing with one
				// pipe (see FairQueue.Recv).
				lb.next = idx
			}
			return p
		}
	}
	return nil
}

// Writable reports whether some pipe has room.
func (lb *LoadBalancer) Writable() bool {
	for _, p := range lb.pipes {
		if !p.Held() && p.Out.Writable() {
			return true
		}
	}
	return false
}
