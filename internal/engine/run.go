package engine

import (
	"errors"
	"io"
	"net"
	"sync"
	"sync/atomic"
	"syscall"
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
//
// The calling goroutine reads. A writer goroutine runs only while there is
// something to write: p.Out starts one when a message arrives for an idle
// connection, and it ends once it has written everything. With the read
// buffer given back between reads (readbuf.go), an idle connection costs
// one parked goroutine and its queues.
//
// When the socket closes (Config.Closing), the connection writes what is
// queued and ends as finish says, or with ErrLingerStalled; Unsent then
// tells how many messages it took and could not write.
func (c *Conn) Run(p *pipe.Pipe) error {
	s := &session{Conn: c, pipe: p, quit: make(chan struct{})}
	s.linger = lingerState{closing: c.cfg.Closing, quit: s.quit, conn: c.conn}
	stopWatch := c.cfg.Closing.watch(c.conn)
	defer stopWatch()
	s.lastRecv.Store(time.Now().UnixNano())
	c.in.onRead = s.touch
	s.startHeartbeat()
	s.helloDue.Store(c.cfg.Hello != nil)
	if sc, ok := c.conn.(syscall.Conn); ok {
		s.rawWrite, _ = sc.SyscallConn()
	}
	p.Out.SetReaderHook(s.sent)
	s.kick() // the hello, and what was queued before the connection
	s.directOK = c.in.raw.conn != nil && c.ws == nil
	if s.directOK {
		s.direct.resume = make(chan struct{}, 1)
		p.SetDirect(s)
	}
	rerr := s.receive()
	s.fail(rerr)
	if s.directOK {
		p.SetDirect(nil)
		if s.direct.timer != nil {
			s.direct.timer.Stop()
		}
	}
	p.Out.SetReaderHook(nil)
	s.end()
	s.err = s.closedAfterFinish(s.err)
	s.goodbye(s.err)
	c.conn.Close()
	c.unsent = s.unsent
	return c.classify(s.err)
}

// Unsent is how many messages the connection took from its queue while
// its socket was closing and could not write (known once Run returns).
func (c *Conn) Unsent() int { return c.unsent }

// session is the state one connection's reader and writer share.
type session struct {
	*Conn
	pipe     *pipe.Pipe
	quit     chan struct{}
	lastRecv atomic.Int64
	// peerTTL is the longest silence the peer asked us to allow (ns).
	peerTTL atomic.Int64

	// The reader's: the messages parsed and not yet handed over, and the
	// frame slab they are assembled in.
	batch      []pipe.Msg
	batchBox   *[]pipe.Msg // the pooled batch, once a stream needs one
	firstBatch [4]pipe.Msg
	batchUsed  int // how far batch was filled since it came from its pool
	asm        assembler

	// writing is set while a writer goroutine runs; mu guards starting
	// one against the end of the session.
	writing atomic.Bool
	mu      sync.Mutex
	ended   bool
	writers sync.WaitGroup
	// pong is what the peer's last ping needs answered; pingDue asks for a ping;
	// helloDue for the hello message (Config.Hello), before anything else.
	pong     atomic.Pointer[pong]
	pingDue  atomic.Bool
	helloDue atomic.Bool
	beat     *time.Timer

	// wsCloseReply is the close frame's payload owed to a ZWS peer that
	// closed the WebSocket.
	wsCloseReply atomic.Pointer[[]byte]

	// arrived counts the messages handed to the socket; answered is the
	// count when a writer last wrote on the sending goroutine (inline.go).
	arrived  atomic.Uint64
	answered uint64
	// rawWrite writes tcp and ipc connections without waiting (nil for
	// others).
	rawWrite syscall.RawConn

	// direct lends the connection to the socket's consumer (direct.go);
	// directOK says this connection can be (tcp and ipc, not ZWS).
	direct   directState
	directOK bool

	failOnce sync.Once
	err      error // why the session ended, set once by fail

	// The writers': how a closing connection progresses, the messages it
	// could not write, and whether finish shut its sending half down.
	linger     lingerState
	unsent     int
	halfClosed atomic.Bool
}

func (s *session) touch() { s.lastRecv.Store(time.Now().UnixNano()) }

// fail ends the session for err, the first reason given. The reader is
// woken, from a read by a deadline passed and from waiting for room by
// quit, and so is a writer stuck on a peer that does not read (over ZWS
// after goodbyeTimeout, for the close frame); Run closes the connection
// once both are done, after a ZWS close frame.
func (s *session) fail(err error) {
	s.failOnce.Do(func() {
		s.err = err
		close(s.quit)
		now := time.Now()
		_ = s.conn.SetReadDeadline(now)
		if s.ws != nil {
			now = now.Add(goodbyeTimeout) // for the close frame
		}
		_ = s.conn.SetWriteDeadline(now)
	})
}

// end waits for a running writer, after which none starts.
func (s *session) end() {
	s.mu.Lock()
	s.ended = true
	s.mu.Unlock()
	if s.beat != nil {
		s.beat.Stop()
	}
	s.writers.Wait()
}

// kick starts a writer unless one runs or the session has ended.
func (s *session) kick() {
	if s.writing.CompareAndSwap(false, true) && s.startWriter() {
		go s.writeLoop(nil)
	}
}

// startWriter counts a writer about to run, having set writing, unless the
// session has ended.
func (s *session) startWriter() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ended {
		s.writing.Store(false)
		return false
	}
	s.writers.Add(1)
	return true
}

// classify turns the ways a connection ends into nil for an orderly end,
// counting and logging the rest.
func (c *Conn) classify(err error) error {
	switch {
	case err == nil, errors.Is(err, errDrained):
		return nil
	case errors.Is(err, io.EOF), errors.Is(err, net.ErrClosed), isReset(err), errors.Is(err, ErrLingerStalled):
		return err // the socket reports what closing gave up
	}
	return c.dropped(err, "connection failed")
}

func isReset(err error) bool {
	var op *net.OpError
	return errors.As(err, &op)
}
