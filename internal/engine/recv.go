package engine

import (
	"bytes"
	"fmt"
	"time"

	"github.com/purezmq/zmq/internal/bufpool"
	"github.com/purezmq/zmq/internal/pipe"
	"github.com/purezmq/zmq/internal/zmtp"
)

const (
	// deliverBatch bounds how many messages the reader parses before it
	// hands them over, so a fast sender cannot delay the first of them long.
	deliverBatch = 256
	// A slab of frame headers serves minSlab frames at first, and twice
	// as many each time it runs out while the connection stays busy, up
	// to maxSlab.
	minSlab, maxSlab = 4, 1024
)

// assembler builds messages out of frames. Frame slice headers come from a
// shared slab, so a message costs no allocation of its own.
type assembler struct {
	slab  [][]byte
	start int
}

func (a *assembler) add(body []byte) {
	if len(a.slab) == cap(a.slab) {
		a.grow()
	}
	a.slab = append(a.slab, body)
}

// parts is how many frames the message being built has so far.
func (a *assembler) parts() int { return len(a.slab) - a.start }

// grow moves the message being assembled to a fresh slab. The old one
// belongs to the messages made from it.
func (a *assembler) grow() {
	fresh := make([][]byte, 0, min(max(2*cap(a.slab), minSlab), maxSlab))
	a.slab = append(fresh, a.slab[a.start:]...)
	a.start = 0
}

// idle drops the slab between messages: what is in it belongs to the
// messages made from it, and would keep their read buffers from the GC.
func (a *assembler) idle() {
	if a.start == len(a.slab) {
		a.slab, a.start = nil, 0
	}
}

func (a *assembler) finish() [][]byte {
	frames := a.slab[a.start:len(a.slab):len(a.slab)]
	a.start = len(a.slab)
	return frames
}

// batches are spare delivery batches for readers that have a stream of
// messages to hand over.
var batches = bufpool.NewSpares[[]pipe.Msg](64)

func takeBatch() *[]pipe.Msg {
	if b := batches.Get(); b != nil {
		return b
	}
	b := make([]pipe.Msg, 0, deliverBatch)
	return &b
}

// receive reads until the connection fails. It waits for bytes here, at
// the bottom of the reader's stack, and parses them in parse, whose frames
// are gone by the time it waits again: an idle connection's goroutine then
// uses little enough of its stack for the GC to halve it (to 4 KiB).
func (s *session) receive() error {
	s.in.startMessages()
	s.in.onIdle = s.idle
	if s.subscribeAll {
		s.queue(pipe.Msg{Frames: [][]byte{{1}}, Meta: s.peer.Meta})
		if err := s.deliver(s.batch); err != nil {
			return err
		}
		s.emptyBatch()
	}
	var delivered uint64
	for {
		if s.in.r == s.in.w && !s.in.largeStream {
			if s.mayLend(delivered) {
				delivered = 0
				if err := s.lendAndWait(); err != nil {
					return err
				}
				continue
			}
			if err := s.in.fill(); err != nil {
				return err
			}
		}
		before := s.arrived.Load()
		if err := s.parse(); err != nil {
			return err
		}
		delivered = s.arrived.Load() - before
	}
}

// parse hands over every message buffered, reading more only to finish a
// frame begun, and returns once nothing is left.
func (s *session) parse() error {
	for {
		if len(s.batch) > 0 && (len(s.batch) >= deliverBatch || !s.in.complete()) {
			if err := s.deliver(s.batch); err != nil {
				return err
			}
			s.emptyBatch()
		}
		if s.in.r == s.in.w && !s.in.largeStream {
			return nil
		}
		var f frame
		if flags, body, ok := s.shortFrame(); ok {
			f.flags, f.body = flags, body
		} else {
			var err error
			if f, err = s.readFrame(); err != nil {
				return s.deliverLast(err)
			}
		}
		// take's work, written out: this loop runs once a frame, and
		// take is not inlined; calling it cost a stream of 256 B messages
		// about 3% (2.42-2.44 M msg/s against 2.49-2.61 M, 3 rounds), and
		// again with frames read in place, receiving from bench/floor:
		// 256 B 3.63 M against 3.79 M, 16 B 9.12 M against 9.29 M
		// (medians of 5).
		if f.flags&zmtp.FlagCommand != 0 {
			m, ok, err := s.command(f.body)
			s.in.takeBack()
			if err != nil {
				return s.deliverLast(err)
			} else if ok {
				s.queue(m)
			}
			continue
		}
		if s.cfg.Parts != AnyParts {
			if err := s.checkShape(f, s.asm.parts()); err != nil {
				return s.deliverLast(err)
			}
		}
		s.asm.add(f.body)
		if f.flags&zmtp.FlagMore == 0 {
			s.queueWhole()
		}
	}
}

// take adds a frame to the message being read, queueing the message once
// it is whole, or handles a command: parse's loop body, for a consumer
// reading directly (direct.go).
func (s *session) take(f frame) error {
	if f.flags&zmtp.FlagCommand != 0 {
		m, ok, err := s.command(f.body)
		s.in.takeBack()
		if err == nil && ok {
			s.queue(m)
		}
		return err
	}
	if s.cfg.Parts != AnyParts {
		if err := s.checkShape(f, s.asm.parts()); err != nil {
			return err
		}
	}
	s.asm.add(f.body)
	if f.flags&zmtp.FlagMore == 0 {
		s.queueWhole()
	}
	return nil
}

// checkShape holds a frame to the form the socket type takes (cfg.Parts):
// it is frame number index of its message.
func (s *session) checkShape(f frame, index int) error {
	more := f.flags&zmtp.FlagMore != 0
	switch {
	case s.cfg.Parts == OnePart && more:
		return fmt.Errorf("%w: a multipart message to a %s", zmtp.ErrProtocol, s.cfg.SocketType)
	case s.cfg.Parts != GroupAndBody:
		return nil
	case index == 0 && !more:
		return fmt.Errorf("%w: a message to a DISH without its group frame", zmtp.ErrProtocol)
	case index == 0 && len(f.body) > zmtp.MaxGroupLength:
		return fmt.Errorf("%w: group of %d bytes, longer than %d", zmtp.ErrProtocol, len(f.body), zmtp.MaxGroupLength)
	case index > 0 && more:
		return fmt.Errorf("%w: a multipart body to a DISH", zmtp.ErrProtocol)
	}
	return nil
}

// queue adds m to the batch to hand over.
func (s *session) queue(m pipe.Msg) { *s.slot() = m }

// queueWhole queues the message the assembler holds, written in place
// field by field (see pipe.Queue.Pop for why).
func (s *session) queueWhole() {
	m := s.slot()
	m.Frames, m.Meta, m.Lease = s.asm.finish(), s.peer.Meta, s.in.endMessage()
}

// slot adds an empty message to the batch to hand over, and returns it. A
// batch starts in the session's own few slots, and moves to a pooled one
// of deliverBatch when messages stream in: a round trip's message then
// takes nothing from a pool, whose per-P caches a reader that moves between
// threads would miss, allocating 16 KiB a message (measured: a GC every 250
// round trips).
func (s *session) slot() *pipe.Msg {
	switch {
	case s.batch == nil:
		s.batch = s.firstBatch[:0]
	case len(s.batch) == cap(s.batch) && s.batchBox == nil:
		s.batchBox = takeBatch()
		s.batch = append((*s.batchBox)[:0], s.batch...)
		clear(s.firstBatch[:])
		s.batchUsed = 0
	}
	s.batch = append(s.batch, pipe.Msg{})
	return &s.batch[len(s.batch)-1]
}

// emptyBatch empties the batch once it is handed over; what it held is
// cleared only when the reader goes idle, and only as far as it was ever
// filled.
func (s *session) emptyBatch() {
	s.batchUsed = max(s.batchUsed, len(s.batch))
	s.batch = s.batch[:0]
}

// idle lets go of what the reader holds only while messages arrive: it is
// called when a read finds nothing, by which time the batch was delivered.
func (s *session) idle() {
	if s.batch != nil && len(s.batch) == 0 {
		clear(s.batch[:s.batchUsed])
		s.batchUsed = 0
		if s.batchBox != nil {
			*s.batchBox = s.batch
			batches.Put(s.batchBox)
		}
		s.batch, s.batchBox = nil, nil
	}
	s.asm.idle()
}

// shortFrame is input.shortFrame, for a connection that neither encrypts
// nor speaks ZWS.
func (s *session) shortFrame() (flags byte, body []byte, ok bool) {
	if s.codec != nil {
		return 0, nil, false
	}
	return s.in.shortFrame(s.cfg.MaxMsgSize)
}

// readFrame reads one frame, opening it if the mechanism encrypts traffic,
// and enforces the maximum message size.
func (s *session) readFrame() (frame, error) {
	// libzmq's ZMQ_MAXMSGSIZE bounds each frame (a libzmq message).
	limit := s.cfg.MaxMsgSize
	if s.codec != nil && limit >= 0 {
		limit += int64(s.codec.Overhead())
	}
	f, err := s.nextFrame(limit)
	if err != nil || s.codec == nil {
		return f, err
	}
	// libzmq sends MESSAGE in a frame with no flags set and carries MORE
	// and COMMAND inside the box, so the outer flags are not looked at.
	flags, body, err := s.codec.Open(f.body)
	return frame{flags: flags, body: body}, err
}

// nextFrame reads the next frame of the wire, handling WebSocket control
// frames on the way.
func (s *session) nextFrame(limit int64) (frame, error) {
	if s.ws == nil {
		return s.in.next(limit)
	}
	for {
		f, err := s.ws.next(s.in, limit)
		if err != nil || f.op == 0 {
			return f, err
		}
		if err := s.wsControl(f); err != nil {
			return frame{}, err
		}
	}
}

// deliverLast hands over the whole messages read before the connection
// ended with err (a peer may send messages and then close, ERROR or a
// WebSocket close frame right behind them), and returns err.
func (s *session) deliverLast(err error) error {
	if len(s.batch) > 0 {
		_ = s.deliver(s.batch)
		s.emptyBatch()
	}
	return err
}

// deliver hands a batch to the socket, waiting while its queue is full.
// Once the socket is closing nobody will read it: what does not fit is
// dropped, so the reader reads on until the peer closes its side.
func (s *session) deliver(batch []pipe.Msg) error {
	s.arrived.Add(uint64(len(batch)))
	for {
		n := s.pipe.In.PushBatch(batch)
		batch = batch[n:]
		if len(batch) == 0 {
			return nil
		}
		select {
		case <-s.pipe.EngineIn:
		case <-s.quit:
			return errDrained
		case <-s.cfg.Closing.done():
			dropBatch(batch)
			return nil
		}
	}
}

// command handles a command frame after the handshake. Subscriptions become
// messages for the socket, in the form ZMTP 3.0 peers send them. It must
// keep nothing of body, which goes back to the read buffer: what it keeps,
// it copies.
func (s *session) command(body []byte) (pipe.Msg, bool, error) {
	cmd, err := zmtp.ParseCommand(body)
	if err != nil {
		return pipe.Msg{}, false, err
	}
	switch cmd.Name {
	case zmtp.CmdPing:
		return pipe.Msg{}, false, s.ping(cmd.Body)
	case zmtp.CmdPong:
		return pipe.Msg{}, false, nil
	case zmtp.CmdSubscribe, zmtp.CmdCancel:
		return s.subscription(cmd)
	case zmtp.CmdJoin, zmtp.CmdLeave:
		return s.membership(cmd)
	case zmtp.CmdError:
		reason, _ := zmtp.ParseErrorReason(cmd.Body)
		return pipe.Msg{}, false, fmt.Errorf("%w: peer sent ERROR %q", zmtp.ErrProtocol, reason)
	}
	// RFC 37 lets a peer send commands we do not know; libzmq ignores them.
	return pipe.Msg{}, false, nil
}

func (s *session) subscription(cmd zmtp.Command) (pipe.Msg, bool, error) {
	if s.cfg.SocketType != "PUB" && s.cfg.SocketType != "XPUB" {
		s.cfg.logger().Debug("zmq: ignored subscription to a non-publisher", "type", s.cfg.SocketType)
		return pipe.Msg{}, false, nil
	}
	sub := make([]byte, 1+len(cmd.Body))
	if cmd.Name == zmtp.CmdSubscribe {
		sub[0] = 1
	}
	copy(sub[1:], cmd.Body)
	return pipe.Msg{Frames: [][]byte{sub}, Meta: s.peer.Meta}, true, nil
}

// membership turns a DISH's JOIN or LEAVE into a message for a RADIO.
// Other types ignore them, as they ignore subscriptions.
func (s *session) membership(cmd zmtp.Command) (pipe.Msg, bool, error) {
	if s.cfg.SocketType != "RADIO" {
		s.cfg.logger().Debug("zmq: ignored JOIN or LEAVE to a non-RADIO", "type", s.cfg.SocketType)
		return pipe.Msg{}, false, nil
	}
	group, err := zmtp.ParseGroup(cmd.Body)
	if err != nil {
		return pipe.Msg{}, false, err
	}
	kind := pipe.Join
	if cmd.Name == zmtp.CmdLeave {
		kind = pipe.Leave
	}
	// The command's bytes are read over once it is handled: the group is
	// copied.
	return pipe.Msg{Kind: kind, Frames: [][]byte{bytes.Clone(group)}, Meta: s.peer.Meta}, true, nil
}

func (s *session) ping(body []byte) error {
	ttl, context, err := zmtp.ParsePing(body)
	if err != nil {
		return err
	}
	if ttl > 0 {
		s.peerTTL.Store(int64(ttl))
	}
	s.queuePong(pong{payload: append([]byte(nil), context...)})
	return nil
}

// pong is an answer the writer owes the peer: a PONG command carrying a
// PING's context, or for a WebSocket ping a pong frame with its payload.
type pong struct {
	ws      bool
	payload []byte
}

// queuePong has a writer answer; a pong already due answers this ping too.
func (s *session) queuePong(p pong) {
	s.pong.CompareAndSwap(nil, &p)
	s.kick()
}

// silentFor is how long the peer has sent nothing.
func (s *session) silentFor(now time.Time) time.Duration {
	return now.Sub(time.Unix(0, s.lastRecv.Load()))
}
