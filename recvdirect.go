package zmq

import (
	"context"
	"sync"
	"sync/atomic"

	"github.com/purezmq/zmq/internal/pipe"
)

// A Recv that waits on a socket with one peer, connected over tcp or ipc,
// reads that connection itself (pipe.ReadDirect, engine's direct.go): the
// message wakes the goroutine that wants it, with no reader between. This
// file keeps the socket's side: which pipe is the only one, and what makes
// such a read give up (another peer, Close, the call's context done).

// directRecv is the socket's state for direct reads.
type directRecv struct {
	// solo is the socket's only pipe, when it has exactly one.
	solo atomic.Pointer[pipe.Pipe]
	// gen moves on before each interruption (another peer, Close, a
	// context's end), so that a direct read that began before it gives up
	// (pipe.DirectReader).
	gen atomic.Uint64

	// A context's end interrupts a direct read through one registration
	// per context (by its Done channel), kept until another comes.
	mu       sync.Mutex
	ctxDone  <-chan struct{}
	stopCtx  func() bool
	disabled bool // closed: no more registrations
}

// setSolo records the socket's only pipe, if it has one, and breaks off a
// direct read on a pipe that no longer is; s.mu is held.
func (s *Socket) setSolo() {
	var only *pipe.Pipe
	if len(s.pipes) == 1 {
		for p := range s.pipes {
			only = p
		}
	}
	if old := s.direct.solo.Swap(only); old != nil && old != only {
		s.direct.gen.Add(1)
		old.Interrupt()
	}
}

// interruptDirect breaks off a direct read in progress, for a Recv to
// look at the socket again.
func (s *Socket) interruptDirect() {
	s.direct.gen.Add(1)
	if p := s.direct.solo.Load(); p != nil {
		p.Interrupt()
	}
}

// recvDirect reads the only peer's connection on the caller's goroutine,
// if the call may wait without a timeout and the connection lends itself;
// false sends the caller to wait for the socket's wake-up instead.
func (s *Socket) recvDirect(ctx context.Context) bool {
	p := s.direct.solo.Load()
	if p == nil || s.recvTimeout.Load() >= 0 || !s.watchContext(ctx) {
		return false
	}
	at := s.direct.gen.Load()
	if s.direct.solo.Load() != p || s.isClosed() || ctx.Err() != nil {
		return false // the caller's wait reports it
	}
	return p.ReadDirect(&s.direct.gen, at)
}

// watchContext makes ctx's end interrupt a direct read; false if it
// cannot (the socket is closing).
func (s *Socket) watchContext(ctx context.Context) bool {
	done := ctx.Done()
	if done == nil {
		return true
	}
	d := &s.direct
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.disabled {
		return false
	}
	if d.ctxDone != done {
		if d.stopCtx != nil {
			d.stopCtx()
		}
		d.ctxDone, d.stopCtx = done, context.AfterFunc(ctx, s.interruptDirect)
	}
	return true
}

// stopDirect ends direct reads for a closing socket.
func (s *Socket) stopDirect() {
	d := &s.direct
	d.mu.Lock()
	d.disabled = true
	if d.stopCtx != nil {
		d.stopCtx()
		d.stopCtx = nil
	}
	d.mu.Unlock()
	s.interruptDirect()
}
