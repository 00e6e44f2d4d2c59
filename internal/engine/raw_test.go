package engine

import (
	"bytes"
	"errors"
	"io"
	"net"
	"testing"
	"time"

	"github.com/purezmq/zmq/internal/pipe"
)

// tcpPair returns the two ends of a loopback TCP connection: the dialling
// one and the accepted one. Both are the caller's to close.
func tcpPair(t *testing.T) (dialled, accepted net.Conn) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	dialled, err = net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	accepted, err = ln.Accept()
	if err != nil {
		dialled.Close()
		t.Fatal(err)
	}
	return dialled, accepted
}

// startRaw runs RunRaw on one end of a loopback TCP connection and returns
// the other end and where RunRaw's result will be.
func startRaw(t *testing.T, p *pipe.Pipe) (net.Conn, <-chan error) {
	t.Helper()
	peer, conn := tcpPair(t)
	t.Cleanup(func() { peer.Close() })
	_ = peer.SetDeadline(time.Now().Add(10 * time.Second))
	done := make(chan error, 1)
	finished := make(chan struct{})
	go func() {
		done <- RunRaw(conn, p, &Config{})
		close(finished)
	}()
	t.Cleanup(func() {
		conn.Close()
		<-finished
	})
	return peer, done
}

func popData(t *testing.T, p *pipe.Pipe, wake pipe.Wake, want int) []byte {
	t.Helper()
	var got []byte
	deadline := time.After(10 * time.Second)
	for len(got) < want {
		var m pipe.Msg
		ok, closed := p.In.Pop(&m)
		if ok {
			if len(m.Frames) != 1 {
				t.Fatalf("message of %d frames", len(m.Frames))
			}
			got = append(got, m.Frames[0]...)
			continue
		}
		if closed {
			t.Fatal("queue closed")
		}
		select {
		case <-wake:
		case <-deadline:
			t.Fatalf("received %d of %d bytes", len(got), want)
		}
	}
	return got
}

func TestRawBothWays(t *testing.T) {
	readable := pipe.NewWake()
	p := pipe.New(4, 4, readable, pipe.NewWake())
	peer, done := startRaw(t, p)

	// A megabyte through a queue of four messages: the reader waits for
	// room, and the data arrives whole and in order.
	payload := make([]byte, 1<<20)
	for i := range payload {
		payload[i] = byte(i * 13)
	}
	go peer.Write(payload)
	if got := popData(t, p, readable, len(payload)); !bytes.Equal(got, payload) {
		t.Fatal("received bytes differ")
	}

	p.Out.Push(&pipe.Msg{Frames: [][]byte{[]byte("ab")}})
	p.Out.Push(&pipe.Msg{Frames: [][]byte{[]byte("c"), nil, []byte("d")}})
	buf := make([]byte, 4)
	if _, err := io.ReadFull(peer, buf); err != nil || string(buf) != "abcd" {
		t.Fatalf("peer read %q, %v", buf, err)
	}

	peer.Close()
	if err := <-done; !errors.Is(err, io.EOF) {
		t.Fatalf("RunRaw after the peer hung up: %v, want EOF", err)
	}
}

func TestRawCloseMessage(t *testing.T) {
	p := pipe.New(0, 0, pipe.NewWake(), pipe.NewWake())
	peer, done := startRaw(t, p)
	p.Out.Push(&pipe.Msg{Frames: [][]byte{[]byte("last words")}})
	p.Out.Push(&pipe.Msg{Frames: [][]byte{{}}})
	p.Out.Push(&pipe.Msg{Frames: [][]byte{[]byte("never sent")}})
	got, err := io.ReadAll(peer)
	if err != nil || string(got) != "last words" {
		t.Fatalf("peer read %q, %v; want the bytes before the close, then EOF", got, err)
	}
	if err := <-done; err != nil {
		t.Fatalf("RunRaw closed by its socket: %v, want nil", err)
	}
}

func TestRawDrained(t *testing.T) {
	p := pipe.New(0, 0, pipe.NewWake(), pipe.NewWake())
	peer, done := startRaw(t, p)
	p.Out.Push(&pipe.Msg{Frames: [][]byte{[]byte("queued")}})
	p.Out.CloseWrite()
	got, err := io.ReadAll(peer)
	if err != nil || string(got) != "queued" {
		t.Fatalf("peer read %q, %v", got, err)
	}
	if err := <-done; err != nil {
		t.Fatalf("RunRaw with its queue drained: %v, want nil", err)
	}
}
