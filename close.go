package zmq

import (
	"time"

	"github.com/purezmq/zmq/internal/pipe"
)

// Close closes the socket. Messages still queued are sent for up to the
// linger time (WithLinger; libzmq's default waits for as long as it takes),
// then dropped; Close returns when every connection is closed and every
// goroutine of the socket has ended. Pending and later Send and Recv calls
// return ErrClosed. Closing twice returns ErrClosed.
func (s *Socket) Close() error {
	first := false
	s.closeOnce.Do(func() { first = true })
	if !first {
		return ErrClosed
	}
	s.mu.Lock()
	s.closing = true
	linger := s.opts.linger
	listeners := s.uniqueListeners()
	pipes := make([]*pipe.Pipe, 0, len(s.pipes))
	for p := range s.pipes {
		pipes = append(pipes, p)
	}
	s.stopIdleDialers()
	s.mu.Unlock()

	close(s.done)
	for _, l := range listeners {
		l.ln.Close()
	}
	s.closeInproc()
	for _, p := range pipes {
		p.Out.CloseWrite()
	}
	switch {
	case linger == 0:
		s.cut()
	case linger > 0:
		t := time.AfterFunc(linger, s.cut)
		defer t.Stop()
	}
	s.wg.Wait()
	s.stopMonitors()
	s.ctx.forget(s)
	return nil
}

// cut ends lingering: every connection still open is closed, queued
// messages with it.
func (s *Socket) cut() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, ds := range s.dialers {
		for _, d := range ds {
			s.stopDialer(d)
		}
	}
	for _, l := range s.uniqueListeners() {
		for c := range l.conns {
			c.Close()
		}
	}
}

// stopIdleDialers stops dialers that have no connection and nothing to
// send: there is nothing for them to linger over. s.mu is held.
func (s *Socket) stopIdleDialers() {
	for _, ds := range s.dialers {
		for _, d := range ds {
			if d.conn == nil && d.pipe.Out.Len() == 0 {
				s.stopDialer(d)
			}
		}
	}
}

// uniqueListeners lists each listener once (Bind files a wildcard endpoint
// under its resolved name too), and the one of WebSocketHandler's
// connections. s.mu is held.
func (s *Socket) uniqueListeners() []*listener {
	seen := map[*listener]bool{}
	var out []*listener
	if s.mounted != nil {
		out = append(out, s.mounted)
	}
	for _, ls := range s.listeners {
		for _, l := range ls {
			if !seen[l] {
				seen[l] = true
				out = append(out, l)
			}
		}
	}
	return out
}
