package engine

import (
	"encoding/binary"
	"fmt"
	"io"
	"math"

	"github.com/purezmq/zmq/internal/bufpool"
	"github.com/purezmq/zmq/internal/zmtp"
	"github.com/purezmq/zmq/internal/zws"
)

const (
	readBufferSize = 64 << 10
	// Bodies at least this big are read into a buffer of their own, straight
	// from the connection, instead of through the shared read buffer.
	ownBufferThreshold = 16 << 10
	// commandLimit bounds a handshake or control command; libzmq's are far
	// smaller, and a peer cannot make us allocate more than this for one.
	commandLimit = 1 << 20
	// maxFrameSize is the largest frame any Go process can hold: the
	// runtime refuses a slice over 2^48 bytes on 64-bit systems (its heap
	// spans 48 address bits) and a slice's length is an int. A declared
	// size over it can only be a lie or garbage, refused before anything
	// else happens.
	maxFrameSize = min(math.MaxInt, 1<<48)
)

// input reads frames from a connection through one large buffer. Small frame
// bodies are handed out as slices of that buffer: a buffer that has lent out
// a slice is not written again until every message lent from it has been
// released (a fresh one takes its place meanwhile), so what the application
// holds stays valid while one buffer serves many messages.
type input struct {
	src io.Reader
	// buf is nil while the connection is idle (see readbuf.go); a small
	// private copy, with no lease, after a short read from idle.
	buf    []byte
	r, w   int
	onRead func()
	// onIdle is called before the reader waits for bytes with nothing
	// buffered, to let go of what an idle connection need not hold.
	onIdle func()
	// raw reads tcp and ipc connections without holding a buffer while
	// waiting; nil for other connections.
	raw rawReader
	// fromIdle marks a buffer taken after an idle wait.
	fromIdle bool
	// buf is lease's buffer. lentFrames counts the frames lent from it,
	// coveredFrames those that went out in messages holding a share of it,
	// shares how many such messages there are: only if every lent frame
	// is covered can the buffer come back for reuse, once those messages
	// are released. msgLent counts the frames the message being read has
	// from it so far, straddle is the buffer before it if the message
	// began there, overflow says it began further back, and lastLent that
	// the last frame read was lent.
	lease                     *bufpool.Lease
	lentFrames, coveredFrames int
	shares                    int64
	msgLent                   int
	straddle                  *bufpool.Lease
	overflow, lastLent        bool
	// largeStream is set while frames come big: the next header is then
	// read on its own, so the body after it lands straight in its own
	// buffer instead of being read into ours and copied.
	largeStream bool
	// framing reads frame headers of a wire other than ZMTP 3 (ZMTP 1.0
	// and 2.0). nil is ZMTP 3's, called directly so that the common case
	// pays no indirect call per frame.
	framing zmtp.Framing
	// ws, when set, reads frames as ZWS lays them out in WebSocket
	// messages (zws.go): at the same seam as framing, but a frame there
	// may be masked, a control frame, or a fragment, which zmtp.Framing
	// has no words for.
	ws *wsWire
	// received counts the bytes read from the peer: what a large body may
	// take ahead of its bytes is bounded by it (readOwn).
	received int64
}

// frame is one frame as read: body may alias the read buffer, unless own
// says it has a buffer of its own (from bufpool). op is set for WebSocket
// frames the ZWS layer handles itself (zws.go).
type frame struct {
	flags byte
	op    byte
	own   bool
	body  []byte
}

// endMessage closes the message being read and returns the share of read
// buffers it holds, if any: the current one, the one before it, or both.
func (in *input) endMessage() *bufpool.Lease {
	var l *bufpool.Lease
	if in.msgLent > 0 {
		in.coveredFrames += in.msgLent
		in.shares++
		l = in.lease
	}
	switch {
	case in.straddle == nil:
	case in.overflow:
		l = nil // shares counted and never returned: those buffers stay out
	case l == nil:
		l = in.straddle
	default:
		l = bufpool.Pair(in.straddle, l)
	}
	in.msgLent, in.straddle, in.overflow = 0, nil, false
	return l
}

// startMessages forgets what the handshake's commands lent; they were
// taken back (see takeBack), so nothing is left of them.
func (in *input) startMessages() {
	in.msgLent, in.straddle, in.overflow, in.lastLent = 0, nil, false, false
}

// takeBack returns the frame just read to the buffer: its reader keeps
// nothing of it (a command, parsed and copied), so it stops keeping the
// buffer from being reused.
func (in *input) takeBack() {
	if in.lastLent {
		in.msgLent--
		in.lentFrames--
		in.lastLent = false
	}
}

// buffered returns the bytes read but not yet consumed.
func (in *input) buffered() []byte { return in.buf[in.r:in.w] }

// need ensures n bytes are buffered.
func (in *input) need(n int) error {
	if n > readBufferSize {
		return fmt.Errorf("%w: %d bytes do not fit the read buffer", zmtp.ErrProtocol, n)
	}
	if in.r+n > len(in.buf) {
		in.makeRoom()
	}
	for in.w-in.r < n {
		if err := in.fill(); err != nil {
			return err
		}
	}
	return nil
}

// next reads one frame whose body may be at most limit bytes. The check
// happens on the declared size, before anything is allocated for the body.
func (in *input) next(limit int64) (frame, error) {
	hdr, err := in.header()
	if err != nil {
		return frame{}, err
	}
	if hdr.size > maxFrameSize {
		return frame{}, fmt.Errorf("%w: frame of %d bytes, more than a process can hold", zmtp.ErrProtocol, hdr.size)
	}
	if hdr.tooLarge(limit) {
		return frame{}, fmt.Errorf("%w: frame of %d bytes, limit %d", zmtp.ErrTooLarge, hdr.size, limit)
	}
	size := int(hdr.size)
	in.largeStream = size >= ownBufferThreshold
	in.lastLent = false
	if in.largeStream {
		body, err := in.readOwn(size)
		if err == nil && hdr.masked {
			zws.Mask(body, hdr.key, 0)
		}
		return frame{flags: hdr.flags, op: hdr.op, own: true, body: body}, err
	}
	if err := in.need(size); err != nil {
		return frame{}, err
	}
	body := in.lend(size)
	if hdr.masked {
		zws.Mask(body, hdr.key, 0)
	}
	return frame{flags: hdr.flags, op: hdr.op, body: body}, nil
}

func (in *input) maxHeader() int {
	switch {
	case in.ws != nil:
		return zws.MaxHeader + 1 // and the flags byte
	case in.framing != nil:
		return in.framing.MaxHeader()
	}
	return zmtp.MaxFrameHeader
}

// header is a frame header as read. The rest of the fields are ZWS's: the
// body's masking key, and op for frames the ZWS layer handles (zws.go).
type header struct {
	flags  byte
	op     byte
	masked bool
	key    uint32
	size   uint64
}

// tooLarge checks a frame against the largest allowed (negative: none). A
// WebSocket fragment may carry a ZWS frame's flags byte besides its body;
// a control frame is never more than 125 bytes and not a message at all.
func (h header) tooLarge(limit int64) bool {
	switch {
	case limit < 0:
		return false
	case h.op == 0:
		return h.size > uint64(limit)
	case zws.IsControl(h.op &^ (opRaw | opFin)):
		return false
	}
	return h.size > uint64(limit)+1
}

// parse decodes the frame header at the start of b: n == 0 with a nil
// error means more bytes are needed.
func (in *input) parse(b []byte) (header, int, error) {
	var flags byte
	var size uint64
	var n int
	var err error
	// ZMTP 3's parser is called directly: see input.framing.
	switch {
	case in.ws != nil:
		return in.ws.parse(b)
	case in.framing == nil:
		flags, size, n, err = zmtp.ParseFrameHeader(b)
	default:
		flags, size, n, err = in.framing.ParseHeader(b)
	}
	return header{flags: flags, size: size}, n, err
}

// shortZMTP3 reads the commonest headers there are, a ZMTP 3 frame's whose
// body is short (under ownBufferThreshold), in place, without parse's
// dispatch: it returns the flags, the body's size and the header's. ok is
// false for anything else, which parse handles: another framing, a long
// body, a header not all buffered. (The dispatch that ZWS and the old
// framings brought cost a stream of 16 B messages about 10% of its
// receiving rate; 256 B messages, whose header has the long form, about
// as much again until this read that form too.)
func (in *input) shortZMTP3() (flags byte, size, n int, ok bool) {
	if in.ws != nil || in.framing != nil || in.w-in.r < 2 {
		return 0, 0, 0, false
	}
	flags = in.buf[in.r] & (zmtp.FlagMore | zmtp.FlagLong | zmtp.FlagCommand)
	if flags&zmtp.FlagLong == 0 {
		return flags, int(in.buf[in.r+1]), 2, true
	}
	if in.w-in.r < zmtp.MaxFrameHeader {
		return 0, 0, 0, false
	}
	long := binary.BigEndian.Uint64(in.buf[in.r+1 : in.r+zmtp.MaxFrameHeader])
	if long >= ownBufferThreshold {
		return 0, 0, 0, false
	}
	return flags, int(long), zmtp.MaxFrameHeader, true
}

// shortFrame takes, as next would, the commonest frame there is: a ZMTP 3
// frame with a short body (shortZMTP3) all buffered and within limit. ok
// is false for anything else, which next handles. It spares the reader
// next's header and frame structs, each stored by one function and read
// back by its caller in another shape, which stalled the reader as the
// same did the receiving socket (see pipe.Queue.Pop).
func (in *input) shortFrame(limit int64) (flags byte, body []byte, ok bool) {
	flags, size, n, ok := in.shortZMTP3()
	if !ok || in.w-in.r-n < size || limit >= 0 && int64(size) > limit {
		return 0, nil, false
	}
	in.r += n
	in.largeStream = false
	return flags, in.lend(size), true
}

// lend takes the next size buffered bytes as a frame's body, lent from the
// read buffer, and counts the loan.
func (in *input) lend(size int) []byte {
	body := in.buf[in.r : in.r+size : in.r+size]
	in.r += size
	in.lastLent = size > 0
	if in.lastLent {
		in.lentFrames++
		in.msgLent++
	}
	return body
}

func (in *input) header() (header, error) {
	if in.largeStream && in.r == in.w {
		if err := in.fillHeader(); err != nil {
			return header{}, err
		}
	}
	if flags, size, n, ok := in.shortZMTP3(); ok {
		in.r += n
		return header{flags: flags, size: uint64(size)}, nil
	}
	for {
		h, n, err := in.parse(in.buffered())
		if err != nil {
			return header{}, err
		}
		if n > 0 {
			in.r += n
			return h, nil
		}
		if err := in.need(in.w - in.r + 1); err != nil {
			return header{}, err
		}
	}
}

// readOwn reads a large body into its own buffer: what is buffered is copied,
// the rest comes straight from the connection with no copy. The buffer is
// never more than twice what the peer has sent on the connection so far
// (nor more than growStep) ahead of the body's bytes, and grows as they
// arrive: a peer that declares an enormous frame (there may be no
// WithMaxMsgSize) makes us allocate no more than about twice what it has
// really sent, from its first byte. A peer that has sent much already, as
// one streaming large messages has, gets each whole body at once.
func (in *input) readOwn(size int) ([]byte, error) {
	body := newBody(int(min(int64(size), growStep, 2*in.received)))
	n := copy(body, in.buffered())
	in.r += n
	if len(body) < size {
		// The body will grow with its bytes, which may be slow to come:
		// meanwhile the read buffer goes back, as an idle one would.
		in.idle()
	}
	for n < size {
		if n == len(body) {
			body = growBody(body, min(size, 2*len(body)))
		}
		m, err := io.ReadFull(in.src, body[n:])
		n += m
		in.received += int64(m)
		if m > 0 && in.onRead != nil {
			in.onRead()
		}
		if err != nil {
			return nil, err
		}
	}
	return body, nil
}

// growStep is the most a large body is allocated ahead of its bytes.
const growStep = 4 << 20

// newBody returns a body buffer of length n: from the pool when it is big
// enough to come from there, else of exactly n bytes, which a body not yet
// full grown can be.
func newBody(n int) []byte {
	if n < ownBufferThreshold {
		return make([]byte, n)
	}
	return bufpool.Get(n)
}

// growBody moves a full body buffer to one of n bytes.
func growBody(body []byte, n int) []byte {
	bigger := newBody(n)
	copy(bigger, body)
	bufpool.Put(body)
	return bigger
}

// complete reports whether a whole frame is buffered, so the reader can hand
// over what it has parsed before it blocks in a read.
func (in *input) complete() bool {
	if _, size, n, ok := in.shortZMTP3(); ok {
		return in.w-in.r-n >= size
	}
	h, n, err := in.parse(in.buffered())
	if err != nil {
		return true // let next report it
	}
	return n > 0 && uint64(in.w-in.r-n) >= h.size
}
