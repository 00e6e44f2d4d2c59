package engine

import (
	"bytes"
	"errors"
	"io"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/purezmq/zmq/internal/zmtp"
)

// declare encodes a long frame header declaring size bytes, whatever size
// is (AppendFrameHeader takes an int).
func declare(size uint64) []byte {
	b := []byte{zmtp.FlagLong, 0, 0, 0, 0, 0, 0, 0, 0}
	for i := 8; i > 0; i-- {
		b[i] = byte(size)
		size >>= 8
	}
	return b
}

// A peer that declares a huge frame makes the reader allocate, in all, no
// more than a few times what it has really sent (the buffer doubles as
// bytes arrive, so it never holds more than twice), from the first byte.
func TestLargeBodyAllocatesAsBytesArrive(t *testing.T) {
	for _, sent := range []int{0, 1000, 100 << 10, 3 << 20} {
		stream := append(declare(1<<40), make([]byte, sent)...)
		in := newInput(bytes.NewReader(stream))
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		_, err := in.next(-1)
		runtime.ReadMemStats(&after)
		if !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
			t.Fatalf("sent %d of 1 TiB: %v, want the stream to end short", sent, err)
		}
		allocated := after.TotalAlloc - before.TotalAlloc
		// Doubling up to twice what was sent allocates four times it in
		// all; the slack covers the read buffer the header is read into
		// and the smallest pooled body buffer.
		if bound := uint64(4*(sent+len(stream)) + readBufferSize + 32<<10); allocated > bound {
			t.Errorf("sent %d bytes of a declared 1 TiB: %d bytes allocated, more than %d", sent, allocated, bound)
		}
	}
}

// A declared size no process could hold is refused before anything else.
func TestImpossibleFrameSizeRefused(t *testing.T) {
	for _, c := range []struct {
		size    uint64
		refused bool
	}{
		{1 << 62, true},
		{maxFrameSize + 1, true},
		{maxFrameSize, false},
	} {
		in := newInput(bytes.NewReader(declare(c.size)))
		_, err := in.next(-1)
		if refused := errors.Is(err, zmtp.ErrProtocol); refused != c.refused {
			t.Errorf("declared %d bytes: %v; refused %v, want %v", c.size, err, refused, c.refused)
		}
	}
}

// Frames of every size read right, a large body's buffer growing as its
// bytes arrive on a fresh connection.
func TestInputGrowsWithTheStream(t *testing.T) {
	sizes := []int{0, 1, 255, 256, 2000, 5000, 15 << 10, ownBufferThreshold, 64 << 10, 1<<20 + 3}
	var stream []byte
	for i, n := range sizes {
		stream = zmtp.AppendFrame(stream, 0, bytes.Repeat([]byte{byte(i + 1)}, n))
	}
	in := newInput(bytes.NewReader(stream))
	for i, n := range sizes {
		f, err := in.next(-1)
		if err != nil {
			t.Fatalf("frame %d (%d bytes): %v", i, n, err)
		}
		if !bytes.Equal(f.body, bytes.Repeat([]byte{byte(i + 1)}, n)) {
			t.Fatalf("frame %d (%d bytes) read back wrong", i, n)
		}
	}
}

// Short frames, taken in place (input.shortFrame), keep the maximum
// message size, whole messages and the frames split across reads.
func TestShortFramesInPlace(t *testing.T) {
	stream := peerPrefix("PUSH")
	stream = zmtp.AppendFrame(stream, zmtp.FlagMore, []byte("ab"))
	stream = zmtp.AppendFrame(stream, 0, []byte("cdefghij"))
	stream = zmtp.AppendFrame(stream, 0, nil)
	split := zmtp.AppendFrame(nil, 0, []byte("split"))
	over := zmtp.AppendFrame(nil, 0, []byte("eleven byte"))
	msgs, err := runAs(t, &Config{SocketType: "PULL", MaxMsgSize: 10}, stream, split[:3], split[3:], over)
	if !errors.Is(err, zmtp.ErrTooLarge) {
		t.Fatalf("an 11-byte frame to a 10-byte limit ended the connection with %v", err)
	}
	want := "ab+cdefghij||split"
	if got := strings.Join(bodies(msgs), "|"); got != want {
		t.Fatalf("delivered %q, want %q", got, want)
	}

	// The long header form: a 300-byte body, one split inside its
	// header, the long form of a 5-byte body, one over the limit.
	body := strings.Repeat("x", 300)
	stream = zmtp.AppendFrame(peerPrefix("PUSH"), 0, []byte(body))
	split = zmtp.AppendFrame(nil, 0, []byte(body))
	longFive := []byte{zmtp.FlagLong, 0, 0, 0, 0, 0, 0, 0, 5, 'h', 'e', 'l', 'l', 'o'}
	over = zmtp.AppendFrame(nil, 0, make([]byte, 1001))
	msgs, err = runAs(t, &Config{SocketType: "PULL", MaxMsgSize: 1000}, stream, split[:4], split[4:], longFive, over)
	if !errors.Is(err, zmtp.ErrTooLarge) {
		t.Fatalf("a 1001-byte frame to a 1000-byte limit ended the connection with %v", err)
	}
	want = body + "|" + body + "|hello"
	if got := strings.Join(bodies(msgs), "|"); got != want {
		t.Fatalf("delivered %d messages %.40q..., want 3", len(msgs), got)
	}
}

// A few bytes waiting for the rest of their greeting or frame keep no
// pooled read buffer (input.idle): the input holds a copy of their own
// size, and the next read takes them back into a pooled buffer, intact.
// Before, each connection of thousands set up at once held 64 KiB while it
// waited for its peer's greeting.
func TestWaitingTailHoldsNoReadBuffer(t *testing.T) {
	in := &input{}
	in.acquire()
	in.w = copy(in.buf, "half a greeting")
	in.r = len("half ")
	in.idle()
	if in.lease != nil || string(in.buffered()) != "a greeting" || cap(in.buf) != len("a greeting") {
		t.Fatalf("after idle: lease %v, %d bytes of room for %q", in.lease != nil, cap(in.buf), in.buffered())
	}
	in.makeRoom()
	if in.lease == nil || string(in.buffered()) != "a greeting" {
		t.Fatalf("after makeRoom: lease %v, %q", in.lease != nil, in.buffered())
	}
	// A longer tail is a frame on its way: it stays where it is.
	in.w = in.r + smallRead + 1
	if in.idle(); in.lease == nil {
		t.Fatal("a tail over smallRead bytes left its pooled buffer")
	}
	in.leave()
}

// Over a real connection: a greeting in two writes reaches the reader
// whole, the read buffer going back to the pool while it waits between
// them.
func TestGreetingInTwoWrites(t *testing.T) {
	peer, conn := tcpPair(t)
	defer peer.Close()
	defer conn.Close()
	greeting := zmtp.Greeting{Major: 3, Minor: 1, Mechanism: "NULL"}.Append(nil)
	in := newInput(conn)
	if _, err := peer.Write(greeting[:20]); err != nil {
		t.Fatal(err)
	}
	if err := in.need(20); err != nil {
		t.Fatal(err)
	}
	spares := readBuffers.Spares()
	done := make(chan error, 1)
	go func() { done <- in.need(len(greeting)) }()
	deadline := time.Now().Add(10 * time.Second)
	for readBuffers.Spares() <= spares {
		if time.Now().After(deadline) {
			t.Fatal("the waiting reader kept its pooled buffer")
		}
		runtime.Gosched()
	}
	if _, err := peer.Write(greeting[20:]); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(in.buffered(), greeting) {
		t.Fatalf("read % x, want % x", in.buffered(), greeting)
	}
	in.leave()
}
