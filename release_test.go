package zmq_test

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"testing"

	"github.com/purezmq/zmq"
)

// body is message i's content: its number, repeated.
func body(i, size int) []byte {
	b := make([]byte, size)
	for off := 0; off+4 <= size; off += 4 {
		binary.BigEndian.PutUint32(b[off:], uint32(i))
	}
	return b
}

// TestReleaseKeepsHeldMessages: small frames share the connection's read
// buffer, which Release lets the reader reuse once every message lent from
// it is back. Messages still held must stay intact however many buffers go
// round meanwhile.
func TestReleaseKeepsHeldMessages(t *testing.T) {
	for _, tr := range transports {
		if tr.name == "inproc" {
			continue // no read buffer: frames are the sender's own
		}
		t.Run(tr.name, func(t *testing.T) {
			pull := newSocket(t, zmq.PULL)
			push := newSocket(t, zmq.PUSH)
			connect(t, push, bind(t, pull, tr.endpoint(t)))
			const n, size = 6000, 300 // about 28 read buffers' worth
			go func() {
				for i := 0; i < n; i++ {
					if push.Send(ctxT(t), zmq.NewMsg(body(i, size))) != nil {
						return
					}
				}
			}()
			held := map[int]zmq.Msg{}
			for i := 0; i < n; i++ {
				m, err := pull.Recv(ctxT(t))
				if err != nil {
					t.Fatalf("Recv %d: %v", i, err)
				}
				if !bytes.Equal(m.Frames[0], body(i, size)) {
					t.Fatalf("message %d arrived wrong", i)
				}
				if i%997 == 0 { // most buffers hold none, and go round
					held[i] = m
					continue
				}
				m.Release()
			}
			for i, m := range held {
				if !bytes.Equal(m.Frames[0], body(i, size)) {
					t.Fatalf("held message %d changed while others were released", i)
				}
			}
		})
	}
}

// TestReleaseBeforeReply: REP keeps a request's envelope for the reply, so
// releasing the request must not let its read buffer be reused under the
// replies still queued. The DEALER reads no reply until every request has
// been answered, so the replies (32 KiB each, more than the kernel's buffers hold)
// wait in REP's queue, envelopes and all, while later requests are read
// and released.
func TestReleaseBeforeReply(t *testing.T) {
	rep := newSocket(t, zmq.REP, zmq.WithSendHWM(0))
	dealer := newSocket(t, zmq.DEALER, zmq.WithRecvHWM(0))
	connect(t, dealer, bind(t, rep, "tcp://127.0.0.1:*"))
	const n = 3000
	go func() {
		for i := 0; i < n; i++ {
			m := zmq.NewMsg([]byte(fmt.Sprintf("envelope-%06d", i)), nil, body(i, 300))
			if dealer.Send(ctxT(t), m) != nil {
				return
			}
		}
	}()
	answered := make(chan error, 1)
	go func() {
		reply := make([]byte, 32<<10)
		for i := 0; i < n; i++ {
			m, err := rep.Recv(ctxT(t))
			if err != nil {
				answered <- err
				return
			}
			m.Release()
			if err := rep.Send(ctxT(t), zmq.NewMsg(reply)); err != nil {
				answered <- err
				return
			}
		}
		answered <- nil
	}()
	if err := <-answered; err != nil {
		t.Fatal(err)
	}
	for i := 0; i < n; i++ {
		m, err := dealer.Recv(ctxT(t))
		if err != nil {
			t.Fatalf("reply %d: %v", i, err)
		}
		if want := fmt.Sprintf("envelope-%06d", i); len(m.Frames) != 3 || string(m.Frames[0]) != want {
			t.Fatalf("reply %d came back with envelope %q, want %q", i, m.Frames[0], want)
		}
	}
}
