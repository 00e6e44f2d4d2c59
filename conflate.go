package zmq

import "github.com/purezmq/zmq/internal/pipe"

// conflating wraps a socket type with WithConflate: a receive takes every
// message queued and returns the newest (libzmq keeps only the newest in
// each pipe; queues here keep up to the high-water mark, and the receive
// skips to the end). SUB does the same itself, after filtering.
type conflating struct{ pattern }

// conflated returns p, wrapped if the socket was made WithConflate.
func conflated(s *Socket, p pattern) pattern {
	if s.opts.patterns.conflate {
		return conflating{p}
	}
	return p
}

func (c conflating) recv() (pipe.Msg, error) {
	m, err := c.pattern.recv()
	if err != nil {
		return m, err
	}
	for {
		newer, err := c.pattern.recv()
		if err != nil {
			return m, nil
		}
		m = newer
	}
}
