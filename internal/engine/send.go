package engine

import (
	"fmt"
	"net"
	"time"

	"github.com/purezmq/zmq/internal/bufpool"
	"github.com/purezmq/zmq/internal/pipe"
	"github.com/purezmq/zmq/internal/zmtp"
	"github.com/purezmq/zmq/internal/zws"
)

const (
	// Bodies this big go to the kernel from where they are (writev) rather
	// than being copied into the write buffer.
	gatherThreshold = 8 << 10
	// flushThreshold bounds the write buffer within one batch.
	flushThreshold = 256 << 10
	// writeBatch bounds how many messages one write takes from the queue,
	// so the queue's room frees up while a large batch is on its way.
	writeBatch = 512
)

// output encodes a batch of messages into as few writes as it can: small
// frames are copied into one buffer, large bodies are gathered by reference.
type output struct {
	batch []pipe.Msg
	conn  net.Conn
	codec zmtp.Codec
	buf   []byte
	mark  int // start of buf not yet referenced by vec
	vec   net.Buffers
	store net.Buffers
	// legacy peers (ZMTP 3.0 and older, ZWS) take subscriptions as messages.
	legacy bool
	// framing writes frame headers of a wire other than ZMTP 3; nil is
	// ZMTP 3's (see input.framing).
	framing zmtp.Framing
	// noCommands is set for ZMTP 1.0 and 2.0 peers, which have none.
	noCommands bool
	// ws lays frames out as ZWS does (zws.go), when set.
	ws *wsWire
	// linger is the session's, whose writes run out of time while the
	// socket closes (linger.go).
	linger *lingerState
}

func (o *output) frame(flags byte, body []byte) error {
	if o.codec != nil {
		return o.sealed(flags, body)
	}
	switch {
	case o.ws != nil && (o.ws.client || len(body) < gatherThreshold):
		// A client masks what it sends, so the body is copied anyway.
		o.buf = o.ws.appendFrame(o.buf, flags, body)
		return nil
	case o.ws != nil:
		o.buf, _ = o.ws.appendHeader(o.buf, flags, len(body))
	case o.framing == nil:
		o.buf = zmtp.AppendFrameHeader(o.buf, flags, len(body))
	default:
		o.buf = o.framing.AppendHeader(o.buf, flags, len(body))
	}
	if len(body) < gatherThreshold {
		o.buf = append(o.buf, body...)
		return nil
	}
	o.vec = append(o.vec, o.buf[o.mark:len(o.buf):len(o.buf)], body)
	o.mark = len(o.buf)
	return nil
}

// sealed encrypts a frame into the mechanism's wire frame (CURVE's
// MESSAGE), laid out as the connection's framing says.
func (o *output) sealed(flags byte, body []byte) error {
	var err error
	if o.ws == nil {
		o.buf, err = o.codec.Seal(o.buf, flags, body)
		return err
	}
	var key uint32
	o.buf, key = o.ws.appendHeader(o.buf, 0, o.codec.SealedSize(len(body)))
	at := len(o.buf)
	o.buf, err = o.codec.SealBody(o.buf, flags, body)
	if o.ws.client {
		zws.Mask(o.buf[at:], key, 1)
	}
	return err
}

// control appends a WebSocket control frame (ZWS only).
func (o *output) control(op byte, payload []byte) {
	o.buf = o.ws.appendControl(o.buf, op, payload)
}

func (o *output) message(m pipe.Msg) error {
	switch m.Kind {
	case pipe.Subscribe, pipe.Cancel:
		return o.subscription(m)
	case pipe.Join, pipe.Leave:
		return o.membership(m)
	}
	last := len(m.Frames) - 1
	for i, body := range m.Frames {
		flags := byte(0)
		if i < last {
			flags = zmtp.FlagMore
		}
		if err := o.frame(flags, body); err != nil {
			return err
		}
	}
	return nil
}

func (o *output) subscription(m pipe.Msg) error {
	topic := m.Frames[0]
	name := zmtp.CmdSubscribe
	if m.Kind == pipe.Cancel {
		name = zmtp.CmdCancel
	}
	if !o.legacy {
		return o.command(zmtp.Command{Name: name, Body: topic})
	}
	body := make([]byte, 1+len(topic))
	if m.Kind == pipe.Subscribe {
		body[0] = 1
	}
	copy(body[1:], topic)
	return o.frame(0, body)
}

// membership writes a DISH's JOIN or LEAVE.
func (o *output) membership(m pipe.Msg) error {
	name := zmtp.CmdJoin
	if m.Kind == pipe.Leave {
		name = zmtp.CmdLeave
	}
	return o.command(zmtp.Command{Name: name, Body: m.Frames[0]})
}

func (o *output) command(cmd zmtp.Command) error {
	if o.noCommands {
		// Nothing sends one to such a peer (no heartbeats, subscriptions
		// as messages): this is a bug, not to be put on the wire.
		return fmt.Errorf("%w: %s command for a peer without commands", zmtp.ErrProtocol, cmd.Name)
	}
	if o.codec == nil && o.ws == nil {
		o.buf = zmtp.AppendCommand(o.buf, cmd.Name, cmd.Body)
		return nil
	}
	body := zmtp.AppendCommand(nil, cmd.Name, cmd.Body)
	_, _, n, _ := zmtp.ParseFrameHeader(body)
	return o.frame(zmtp.FlagCommand, body[n:])
}

func (o *output) pending() int { return len(o.buf) - o.mark + len(o.vec) }

// flush writes everything encoded so far in one writev.
func (o *output) flush() error {
	if len(o.vec) == 0 {
		err := o.writeBuf(o.buf)
		o.buf, o.mark = o.buf[:0], 0
		return err
	}
	if o.mark < len(o.buf) {
		o.vec = append(o.vec, o.buf[o.mark:])
	}
	o.store = o.vec
	err := o.writeVec()
	clear(o.store)
	o.vec, o.buf, o.mark = o.store[:0], o.buf[:0], 0
	return err
}

func (o *output) writeBuf(b []byte) error {
	for {
		n, err := o.conn.Write(b)
		o.linger.count(int64(n))
		if err == nil || !o.linger.again(err) {
			return err
		}
		b = b[n:]
	}
}

// writeVec writes o.vec, which WriteTo advances past what it wrote.
func (o *output) writeVec() error {
	for {
		n, err := o.vec.WriteTo(o.conn)
		o.linger.count(n)
		if err == nil || !o.linger.again(err) {
			return err
		}
	}
}

// outputs are spare writers' buffers, shared by every connection and taken
// only while a writer runs (a sync.Pool sent each writer to grow a fresh
// buffer: 256 B messages, 565 MB allocated per million, a GC every 13,000
// messages, half the sending rate; see bufpool.Spares).
var outputs = bufpool.NewSpares[output](outputSpares)

const (
	outputSpares = 32
	// maxKeptBuffer bounds the write buffer an output keeps between
	// writers: as much as one flush holds, so a busy writer's buffer is
	// kept.
	maxKeptBuffer = flushThreshold + gatherThreshold
)

// takeOutput sets up a spare output for this session's connection.
func (s *session) takeOutput() *output {
	out := outputs.Get()
	if out == nil {
		out = &output{batch: make([]pipe.Msg, 0, writeBatch)}
	}
	out.conn, out.codec, out.legacy = s.conn, s.codec, s.peer.LegacySubscribe
	out.framing, out.noCommands, out.ws, out.linger = s.in.framing, s.version != zmtp.ZMTP3, s.ws, &s.linger
	return out
}

func putOutput(out *output) {
	out.conn, out.codec, out.framing, out.ws, out.linger = nil, nil, nil, nil, nil
	if cap(out.buf) > maxKeptBuffer {
		out.buf = nil
	}
	outputs.Put(out)
}

// writeLoop writes until nothing is left, then ends; p.Out's hook starts
// another when more comes. A failure ends the session. out, if not nil,
// holds what an inline write left unwritten, to write first.
func (s *session) writeLoop(out *output) {
	defer s.writers.Done()
	if out == nil {
		out = s.takeOutput()
	} else if err := out.flush(); err != nil {
		putOutput(out)
		s.fail(err)
		return
	}
	defer putOutput(out)
	for {
		if err := s.writeAll(out); err != nil {
			if err == errDrained {
				err = s.finish()
			}
			s.fail(s.stalled(err))
			return
		}
		// Let go, then look again: a message published after the last
		// look either sees writing cleared and starts a writer, or is
		// seen here.
		s.writing.Store(false)
		if !s.pendingWrite() || !s.writing.CompareAndSwap(false, true) {
			return
		}
	}
}

func (s *session) pendingWrite() bool {
	return s.pipe.Out.Pending() || s.pong.Load() != nil || s.pingDue.Load() || s.helloDue.Load()
}

// writeAll writes what is queued and due until nothing is; errDrained
// once the socket has closed the queue and it is empty.
func (s *session) writeAll(out *output) error {
	for {
		select {
		case <-s.quit:
			// The connection is gone: leave the queue to the next one.
			s.pipe.Out.Rest()
			return net.ErrClosed
		default:
		}
		if s.helloDue.Swap(false) {
			if err := s.write(out, []pipe.Msg{{Frames: s.cfg.Hello}}); err != nil {
				return err
			}
		}
		if p := s.pong.Swap(nil); p != nil {
			if err := s.answer(out, *p); err != nil {
				return err
			}
		}
		if s.pingDue.Swap(false) {
			if err := s.heartbeat(out, time.Now()); err != nil {
				return err
			}
		}
		var closed bool
		out.batch, closed = s.pipe.Out.PopBatch(out.batch[:0], writeBatch)
		if len(out.batch) == 0 {
			if closed {
				return errDrained
			}
			return nil
		}
		err := s.write(out, out.batch)
		clear(out.batch)
		if err != nil {
			return err
		}
	}
}

// startHeartbeat sends a PING every interval, from a timer rather than a
// goroutine of its own.
func (s *session) startHeartbeat() {
	ivl := s.cfg.HeartbeatInterval
	// ZMTP 1.0 and 2.0 have no PING: libzmq sends none to such peers
	// either, and does not time them out.
	if ivl <= 0 || s.version != zmtp.ZMTP3 {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.beat = time.AfterFunc(ivl, func() {
		s.pingDue.Store(true)
		s.kick()
		s.mu.Lock()
		if !s.ended {
			s.beat.Reset(ivl)
		}
		s.mu.Unlock()
	})
}

func (s *session) write(out *output, batch []pipe.Msg) error {
	if s.cfg.Closing.bounded() {
		s.linger.window()
	}
	flushed := 0 // batch[:flushed] is written
	for i, m := range batch {
		if err := out.message(m); err != nil {
			return err
		}
		if out.pending() >= flushThreshold {
			if err := out.flush(); err != nil {
				s.lost(batch[flushed:])
				return err
			}
			flushed = i + 1
		}
	}
	if err := out.flush(); err != nil {
		s.lost(batch[flushed:])
		return err
	}
	return nil
}

func (s *session) control(out *output, cmd zmtp.Command) error {
	if err := out.command(cmd); err != nil {
		return err
	}
	return out.flush()
}

func (s *session) answer(out *output, p pong) error {
	if p.ws {
		out.control(zws.OpPong, p.payload)
		return out.flush()
	}
	return s.control(out, zmtp.PongCommand(p.payload))
}

// heartbeat drops a peer silent for too long, else sends a PING: for ZWS a
// WebSocket ping, which libzmq answers (it ignores a PING command there).
func (s *session) heartbeat(out *output, now time.Time) error {
	timeout := s.cfg.HeartbeatTimeout
	if timeout <= 0 {
		timeout = s.cfg.HeartbeatInterval
	}
	if ttl := time.Duration(s.peerTTL.Load()); ttl > 0 && ttl < timeout {
		timeout = ttl
	}
	if silent := s.silentFor(now); silent > timeout {
		return fmt.Errorf("%w: peer silent for %v", ErrHeartbeatTimeout, silent.Round(time.Millisecond))
	}
	if s.ws != nil {
		out.control(zws.OpPing, nil)
		return out.flush()
	}
	return s.control(out, zmtp.PingCommand(s.cfg.HeartbeatTTL, nil))
}
