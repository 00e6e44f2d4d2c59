package zmq

import "github.com/purezmq/zmq/internal/pipe"

// scatter is SCATTER (libzmq 4.3's scatter_t): the single-part PUSH,
// round-robin to its GATHERs, waiting while none has room.
type scatter struct {
	noReconnect
	cannotRecv
	balanced
}

func (s *scatter) attach(p *pipe.Pipe) bool { s.lb.Add(p); return true }
func (s *scatter) detach(p *pipe.Pipe)      { s.lb.Remove(p) }
