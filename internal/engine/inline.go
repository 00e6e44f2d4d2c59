package engine

import (
	"syscall"
)

// A message that answers one just received (a reply, or a round trip's
// next request) is written by the goroutine that sent it, at once, without
// a writer goroutine to start: that hand-off between goroutines, and the
// thread it may wake, is much of a round trip's cost beside the system
// calls. A stream of sends with nothing received in between goes to a
// writer goroutine instead, which batches it, as do sends while the socket
// closes and connections with no file descriptor to write without waiting
// (TLS).

// sent is p.Out's reader hook: it runs on the sending goroutine, with the
// queue's producer lock held, when a message arrives for an idle writer.
func (s *session) sent() {
	if !s.writing.CompareAndSwap(false, true) || !s.startWriter() {
		return
	}
	if arrived := s.arrived.Load(); arrived != s.answered && s.rawWrite != nil && !s.cfg.Closing.isClosing() {
		s.answered = arrived
		if out, done := s.writeInline(); done {
			s.writers.Done()
			// Let go, then look again, as writeLoop does.
			s.writing.Store(false)
			if !s.pendingWrite() || !s.writing.CompareAndSwap(false, true) || !s.startWriter() {
				return
			}
		} else if out != nil {
			go s.writeLoop(out)
			return
		}
	}
	go s.writeLoop(nil)
}

// writeInline encodes what is queued and writes it without waiting, until
// the queue is found empty (which arms it for the next message, and tells
// Pending so). done says it wrote everything; otherwise out, if not nil,
// holds what is left to write, for a writer goroutine to finish.
func (s *session) writeInline() (out *output, done bool) {
	if s.helloDue.Load() || s.pong.Load() != nil || s.pingDue.Load() {
		return nil, false
	}
	out = s.takeOutput()
	for {
		var closed bool
		out.batch, closed = s.pipe.Out.PopBatch(out.batch[:0], writeBatch)
		if closed || len(out.batch) == 0 {
			putOutput(out)
			return nil, !closed
		}
		for _, m := range out.batch {
			if err := out.message(m); err != nil {
				clear(out.batch)
				putOutput(out)
				s.fail(err)
				return nil, true
			}
		}
		clear(out.batch)
		if len(out.vec) > 0 {
			return out, false // large bodies: a writer gathers them
		}
		n := s.writeNow(out.buf)
		out.linger.count(int64(n))
		if n < len(out.buf) {
			out.buf = out.buf[:copy(out.buf, out.buf[n:])]
			return out, false
		}
		out.buf = out.buf[:0]
	}
}

// writeNow makes one write(2) that does not wait, and returns how much it
// wrote. An error writes nothing: the writer goroutine meets it again.
func (s *session) writeNow(b []byte) int {
	n := 0
	_ = s.rawWrite.Write(func(fd uintptr) bool {
		for {
			m, err := syscall.Write(int(fd), b)
			if err == syscall.EINTR {
				continue
			}
			if err == nil {
				n = m
			}
			return true
		}
	})
	return n
}
