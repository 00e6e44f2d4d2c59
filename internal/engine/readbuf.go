package engine

import (
	"io"
	"net"
	"os"
	"syscall"

	"github.com/purezmq/zmq/internal/bufpool"
)

// An idle connection holds no read buffer. Readers take a 64 KiB buffer
// from readBuffers only while they have bytes to read, and give it back
// when the kernel says there are no more (EAGAIN) and nothing in it is
// lent out; waiting for the next bytes needs no buffer, because a tcp or
// ipc connection is read through its syscall.RawConn, which waits for
// readiness first and reads after. A read that comes right after an idle
// wait and brings no more than smallRead bytes (a request, a reply, a
// heartbeat) is copied into a buffer of its own size, so that the message
// it lends its bodies to holds a few bytes and not a pooled 64 KiB: after
// a round trip, both ends of a connection hold no read buffer at all.
const (
	smallRead = 512
	// readSpares bounds the buffers kept for reuse by all readers of the
	// process: enough for many busy connections, without hoarding.
	readSpares = 64
)

var readBuffers = bufpool.NewLeasePool(readBufferSize, readSpares)

func newInput(src io.Reader) *input {
	in := &input{src: src}
	if sc, ok := src.(syscall.Conn); ok {
		if rc, err := sc.SyscallConn(); err == nil {
			in.raw = rawReader{conn: rc, in: in}
			in.raw.fn = in.raw.attempt
		}
	}
	return in
}

// preload puts bytes already read from the connection (past an HTTP
// upgrade, say) before what will be read.
func (in *input) preload(b []byte) {
	if len(b) == 0 {
		return
	}
	in.makeRoom()
	n := copy(in.buf[in.w:], b)
	in.w += n
	in.received += int64(n)
}

// acquire takes a pooled buffer to read into; the input holds none.
func (in *input) acquire() {
	in.lease = readBuffers.Get()
	in.buf = in.lease.Buf
	in.r, in.w = 0, 0
	in.fromIdle = true
}

// makeRoom moves the unread tail to the front of a buffer that can be
// written: a fresh pooled one if the current one has lent a slice, is a
// small private copy, or there is none.
func (in *input) makeRoom() {
	tail := in.buf[in.r:in.w]
	if in.lentFrames > 0 || in.lease == nil {
		in.fresh()
	}
	in.w = copy(in.buf, tail)
	in.r = 0
}

// fresh moves to another buffer once the current one has lent a slice. The
// old one goes back for reuse when its messages are released, if every
// slice it lent went out in one of them (commands, say, do not; a message
// still being read takes its share now).
func (in *input) fresh() {
	in.leave()
	in.lease = readBuffers.Get()
	in.buf = in.lease.Buf
	in.fromIdle = false
}

// leave lets go of the current buffer, counting the shares the messages
// lent from it hold. A small private copy (no lease) is the GC's.
func (in *input) leave() {
	if in.msgLent > 0 {
		in.coveredFrames += in.msgLent
		in.shares++
		in.overflow = in.overflow || in.straddle != nil
		in.straddle, in.msgLent = in.lease, 0
	}
	if in.lease != nil && in.lentFrames == in.coveredFrames {
		in.lease.Retire(in.shares)
	}
	in.lease, in.buf = nil, nil
	in.lentFrames, in.coveredFrames, in.shares = 0, 0, 0
}

// idle is called when a read found nothing: with nothing unread, the
// buffer goes (back to the pool if nothing was lent from it), and so does
// whatever the reader's owner lets go of while idle. With a few bytes
// unread (a greeting, a command or a frame waiting for the rest of it),
// they move to a buffer of their own size and the pooled one goes all the
// same: a connection waiting mid-handshake held 64 KiB, and 2,000
// connections set up at once took a fresh one each from a pool run dry
// (89 MB allocated, most of the set-up's garbage).
func (in *input) idle() {
	if in.buf == nil {
		return
	}
	if in.r != in.w {
		if in.lease != nil && in.w-in.r <= smallRead {
			in.keepTail()
		}
		return
	}
	in.leave()
	in.r, in.w = 0, 0
	if in.onIdle != nil {
		in.onIdle()
	}
}

// fill reads at least once more, making room first.
func (in *input) fill() error {
	if in.buf == nil || in.w == len(in.buf) {
		in.makeRoom()
	}
	n, err := in.readSome()
	in.received += int64(n)
	if n > 0 {
		if in.fromIdle && in.r == 0 && in.w == 0 && n <= smallRead {
			in.keepSmall(n)
		}
		in.fromIdle = false
		in.w += n
		if in.onRead != nil {
			in.onRead()
		}
		return nil
	}
	if err == nil {
		err = io.ErrNoProgress
	}
	return err
}

// keepTail moves the unread bytes to a buffer of their own and lets go of
// the pooled one; the next read makes room in a pooled one again.
func (in *input) keepTail() {
	own := make([]byte, in.w-in.r)
	copy(own, in.buf[in.r:in.w])
	in.leave()
	in.buf, in.r, in.w = own, 0, len(own)
}

// keepSmall moves a short read out of the pooled buffer into one of its
// own size, and gives the pooled one back.
func (in *input) keepSmall(n int) {
	own := make([]byte, n)
	copy(own, in.buf[:n])
	in.lease.Retire(0)
	in.lease, in.buf = nil, own
}

// fillHeader reads no more than a frame header.
func (in *input) fillHeader() error {
	in.r, in.w = 0, 0
	if in.lentFrames > 0 || in.lease == nil {
		in.fresh()
	}
	n, err := in.readSomeOf(in.maxHeader())
	in.w = n
	in.received += int64(n)
	if n > 0 {
		if in.onRead != nil {
			in.onRead()
		}
		return nil
	}
	if err == nil {
		err = io.ErrNoProgress
	}
	return err
}

// readSome reads into the free tail of buf.
func (in *input) readSome() (int, error) { return in.readSomeOf(len(in.buf) - in.w) }

// readSomeOf reads at most max bytes after w.
func (in *input) readSomeOf(max int) (int, error) {
	if in.raw.conn == nil {
		return in.src.Read(in.buf[in.w : in.w+max])
	}
	return in.raw.read(max)
}

// rawReader reads a tcp or ipc connection with read(2) from inside
// RawConn.Read, which waits for readiness when attempt reports EAGAIN:
// the input gives its buffer up before that wait and takes one after.
type rawReader struct {
	conn syscall.RawConn
	in   *input
	fn   func(fd uintptr) bool // attempt, bound once
	max  int
	n    int
	err  error
}

func (r *rawReader) read(max int) (int, error) {
	r.max, r.n, r.err = max, 0, nil
	if err := r.conn.Read(r.fn); err != nil {
		return 0, err
	}
	return r.n, r.err
}

// attempt makes one read(2). On EAGAIN it lets the input go idle and
// reports false, so RawConn.Read waits for the connection to be readable
// and calls it again.
func (r *rawReader) attempt(fd uintptr) bool {
	in := r.in
	switch {
	case in.buf == nil:
		in.acquire()
	case in.w+r.max > len(in.buf):
		in.makeRoom() // idle kept the unread bytes apart (keepTail)
	}
	for {
		n, err := syscall.Read(int(fd), in.buf[in.w:in.w+r.max])
		switch {
		case err == syscall.EINTR:
			continue
		case err == syscall.EAGAIN:
			in.idle()
			return false
		case err != nil:
			r.err = &net.OpError{Op: "read", Err: os.NewSyscallError("read", err)}
		case n == 0:
			r.err = io.EOF
		default:
			r.n = n
		}
		return true
	}
}
