package zmq

import (
	"errors"
	"sync"
)

// Context owns a set of sockets and the inproc endpoints they bind: two
// contexts' inproc names never see each other. NewSocket uses a default
// context, so most programs never need one; Close (libzmq's zmq_ctx_term)
// closes every socket the context made.
type Context struct {
	mu      sync.Mutex
	closed  bool
	sockets map[*Socket]struct{}
	inproc  inprocRegistry
	zap     zapClients // zap.go
}

var defaultContext = NewContext()

// NewContext returns an empty context.
func NewContext() *Context {
	return &Context{sockets: map[*Socket]struct{}{}, inproc: newInprocRegistry()}
}

// NewSocket returns a socket of type t in this context.
func (c *Context) NewSocket(t Type, opts ...Option) (*Socket, error) {
	s, err := newSocket(c, t, opts)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return nil, ErrClosed
	}
	c.sockets[s] = struct{}{}
	return s, nil
}

// Close closes every socket of the context, each honouring its linger, and
// makes the context refuse new sockets. Blocked Send and Recv calls return
// ErrClosed.
func (c *Context) Close() error {
	c.mu.Lock()
	c.closed = true
	sockets := make([]*Socket, 0, len(c.sockets))
	for s := range c.sockets {
		sockets = append(sockets, s)
	}
	c.mu.Unlock()
	var errs []error
	for _, s := range sockets {
		if err := s.Close(); err != nil && !errors.Is(err, ErrClosed) {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

func (c *Context) forget(s *Socket) {
	c.mu.Lock()
	delete(c.sockets, s)
	c.mu.Unlock()
}
