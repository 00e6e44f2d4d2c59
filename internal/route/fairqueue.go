package route

import "github.com/purezmq/zmq/internal/pipe"

// FairQueue receives from its pipes in turn, one message from each, so a
// busy peer cannot starve the others (libzmq's fq_t). A pipe whose queue
// is closed is dropped once it has been read dry, so no message a peer sent
// before it went away is lost.
type FairQueue struct {
	pipes []*pipe.Pipe
	next  int
}

// Add makes p a source.
func (fq *FairQueue) Add(p *pipe.Pipe) { fq.pipes = append(fq.pipes, p) }

// Remove drops p at once, with whatever it still holds.
func (fq *FairQueue) Remove(p *pipe.Pipe) {
	for i, q := range fq.pipes {
		if q == p {
			fq.drop(i)
			return
		}
	}
}

func (fq *FairQueue) drop(i int) {
	fq.pipes = append(fq.pipes[:i], fq.pipes[i+1:]...)
	if fq.next > i {
		fq.next--
	}
	if fq.next >= len(fq.pipes) {
		fq.next = 0
	}
}

// Len is the number of pipes.
func (fq *FairQueue) Len() int { return len(fq.pipes) }

// Recv moves the next message to dst (pipe.Queue.Pop says why through a
// pointer) and returns the pipe it came from; ok is false when no pipe has
// one (each is then armed to wake the receiver).
func (fq *FairQueue) Recv(dst *pipe.Msg) (from *pipe.Pipe, ok bool) {
	n := len(fq.pipes)
	var dead []*pipe.Pipe
	idx := fq.next
	for k := 0; k < n; k++ {
		p := fq.pipes[idx]
		if idx++; idx == n {
			idx = 0
		}
		got, closed := p.In.Pop(dst)
		if got {
			if fq.next != idx {
				// Only when it moves: with one pipe a store
				// per message dirtied a line that another
				// small object (a sending socket's load
				// balancer, allocated next to it) wrote as
				// often, and the two cores fought over it.
				fq.next = idx
			}
			from, ok = p, true
			break
		}
		if closed {
			dead = append(dead, p)
		}
	}
	for _, p := range dead {
		fq.Remove(p)
	}
	return from, ok
}
