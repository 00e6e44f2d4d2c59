package zmq

import "github.com/purezmq/zmq/internal/pipe"

// conflating wraps a socket type with WithConflate: a receive takes every
// message queued and returns the newest (libzmq keeps only the newest in
// each pipe; queues here keep up to the high-water mark, and the receive
// skips to the end). SUB does the same itself, after filtering.
type conflating struct {
	pattern
	// newer is where each message after the first is received, kept so
	// that a receive allocates nothing.
	newer *pipe.Msg
}

// conflated returns p, wrapped if the socket was made WithConflate.
func conflated(s *Socket, p pattern) pattern {
	if s.opts.patterns.conflate {
		return conflating{p, new(pipe.Msg)}
	}
	return p
}

func (c conflating) recv(m *pipe.Msg) error {
	if err := c.pattern.recv(m); err != nil {
		return err
	}
	for {
		err := c.pattern.recv(c.newer)
		if err != nil {
			*c.newer = pipe.Msg{}
			return nil
		}
		*m = *c.newer
	}
}
