package engine

import (
	"errors"
	"io"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/purezmq/zmq/internal/pipe"
)

// errDrained ends a connection whose socket closed and whose queued messages
// have all been written: the linger ended well.
var errDrained = errors.New("zmq: queue drained")

// Run moves messages between the connection and p until the connection
// fails, Close is called, or p.Out is closed for writing and drained. It
// returns why the connection ended: nil for a drained queue or a peer that
// hung up.
func (c *Conn) Run(p *pipe.Pipe) error {
	s := &session{Conn: c, pipe: p, quit: make(chan struct{}), pongs: make(chan pong, 1)}
	s.lastRecv.Store(time.Now().UnixNano())
	c.in.onRead = s.touch
	readerDone := make(chan error, 1)
	go func() { readerDone <- s.readLoop() }()
	err := s.writeLoop(readerDone)
	s.stop()
	readerEnded := err == errReaderDone
	if readerEnded {
		err = s.readErr
	}
	s.goodbye(err)
	c.conn.Close()
	if !readerEnded {
		<-readerDone
	}
	return c.classify(err)
}

var errReaderDone = errors.New("reader done")

// session is the state one connection's reader and writer share.
type session struct {
	*Conn
	pipe     *pipe.Pipe
	quit     chan struct{}
	stopOnce sync.Once
	lastRecv atomic.Int64
	// peerTTL is the longest silence the peer asked us to allow (ns).
	peerTTL atomic.Int64
	pongs   chan pong
	readErr error
	// lastGroup is the group of the last message a DISH read (reader's).
	lastGroup string
	// wsCloseReply is the close frame's payload owed to a ZWS peer that
	// closed the WebSocket.
	wsCloseReply atomic.Pointer[[]byte]
}

func (s *session) stop() { s.stopOnce.Do(func() { close(s.quit) }) }

func (s *session) touch() { s.lastRecv.Store(time.Now().UnixNano()) }

// classify turns the ways a connection ends into nil for an orderly end,
// counting and logging the rest.
func (c *Conn) classify(err error) error {
	switch {
	case err == nil, errors.Is(err, errDrained):
		return nil
	case errors.Is(err, io.EOF), errors.Is(err, net.ErrClosed), isReset(err):
		return err
	}
	return c.dropped(err, "connection failed")
}

func isReset(err error) bool {
	var op *net.OpError
	return errors.As(err, &op)
}
