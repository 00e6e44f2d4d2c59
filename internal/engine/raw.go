package engine

import (
	"errors"
	"net"

	"github.com/purezmq/zmq/internal/pipe"
	"github.com/purezmq/zmq/internal/zmtp"
)

const (
	// rawReadSize is the buffer a raw connection reads into: a read hands
	// over at most this many bytes as one message.
	rawReadSize = 64 << 10
	// rawMinRead is the least room worth reading into; below it the
	// reader takes a fresh buffer.
	rawMinRead = 4 << 10
)

// errReaderDone tells the raw writer that its reader has ended.
var errReaderDone = errors.New("reader done")

// errClosedBySocket ends a raw connection whose socket asked for it to be
// closed with a zero-length message.
var errClosedBySocket = errors.New("zmq: connection closed by the socket")

// RunRaw moves bytes between conn and p with no ZMTP at all, for STREAM
// sockets and their raw TCP peers. Each read becomes a one-frame message on
// p.In (up to 64 KiB: where TCP splits the byte stream is not meaningful),
// carrying p.Peer().Meta; the reader waits while p.In is at its high-water
// mark. The bytes of the messages on p.Out are written in order; a
// zero-length message closes the connection once what was queued before it
// is written, as libzmq's raw engine does.
//
// RunRaw returns when the connection ends, having closed it: nil when the
// socket ended it (a zero-length message, or p.Out closed and drained),
// else why it failed (io.EOF when the peer hung up).
func RunRaw(conn net.Conn, p *pipe.Pipe, cfg *Config) error {
	r := &rawConn{conn: conn, pipe: p, quit: make(chan struct{})}
	readerDone := make(chan error, 1)
	go func() { readerDone <- r.readLoop() }()
	err := r.writeLoop(readerDone)
	close(r.quit)
	conn.Close()
	if err == errReaderDone {
		err = r.readErr
	} else {
		<-readerDone
	}
	switch {
	case err == nil, errors.Is(err, errDrained), errors.Is(err, errClosedBySocket):
		return nil
	}
	cfg.logger().Debug("zmq: raw connection ended", "peer", conn.RemoteAddr().String(), "err", err)
	return err
}

// rawConn is what a raw connection's reader and writer share.
type rawConn struct {
	conn net.Conn
	pipe *pipe.Pipe
	quit chan struct{}
	// readErr is why the reader ended, set before it reports on readerDone.
	readErr error
}

func (r *rawConn) readLoop() error {
	r.readErr = r.read()
	return r.readErr
}

// read reads until the connection fails. Reads go into the free tail of one
// large buffer: a message is a slice of it that is never written again, and
// a fresh buffer takes over once the tail is short, so one allocation serves
// many small reads.
func (r *rawConn) read() error {
	meta := r.pipe.Peer().Meta
	var buf []byte
	for {
		if len(buf) < rawMinRead {
			buf = make([]byte, rawReadSize)
		}
		n, err := r.conn.Read(buf)
		if n > 0 {
			chunk := buf[:n:n]
			buf = buf[n:]
			if derr := r.deliver(pipe.Msg{Frames: [][]byte{chunk}, Meta: meta}); derr != nil {
				return derr
			}
		}
		if err != nil {
			return err
		}
	}
}

// deliver hands m to the socket, waiting while its queue is full.
func (r *rawConn) deliver(m pipe.Msg) error {
	for !r.pipe.In.Push(&m) {
		select {
		case <-r.pipe.EngineIn:
		case <-r.quit:
			return errDrained
		}
	}
	return nil
}

// writeLoop writes what the socket queues until the connection fails, the
// reader ends, or the socket asks for the connection to be closed.
func (r *rawConn) writeLoop(readerDone <-chan error) error {
	batch := make([]pipe.Msg, 0, writeBatch)
	var vec, store net.Buffers
	for {
		var closed bool
		batch, closed = r.pipe.Out.PopBatch(batch[:0], writeBatch)
		if len(batch) > 0 {
			closing := false
			for _, m := range batch {
				size := 0
				for _, f := range m.Frames {
					if len(f) > 0 {
						vec = append(vec, f)
						size += len(f)
					}
				}
				if size == 0 {
					closing = true
					break
				}
			}
			clear(batch)
			if len(vec) > 0 {
				store = vec
				_, err := vec.WriteTo(r.conn)
				clear(store)
				vec = store[:0]
				if err != nil {
					return err
				}
			}
			if closing {
				return errClosedBySocket
			}
			continue
		}
		if closed {
			return errDrained
		}
		select {
		case <-r.pipe.EngineOut:
		case <-readerDone:
			return errReaderDone
		}
	}
}

// RawPeer is what a raw connection's messages tell of it: the peer's
// address over tcp, as libzmq's raw engine does.
func RawPeer(conn net.Conn) pipe.Peer {
	addr := peerIP(conn)
	if addr == "" {
		return pipe.Peer{}
	}
	return pipe.Peer{Meta: &zmtp.Metadata{{Name: "Peer-Address", Value: addr}}}
}
