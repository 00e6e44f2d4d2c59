package engine

import (
	"fmt"
	"io"
	"net"
	"testing"
	"time"

	"github.com/purezmq/zmq/internal/pipe"
	"github.com/purezmq/zmq/internal/zmtp"
)

// tcpPeer connects a PULL engine to a hand-driven PUSH peer over loopback
// tcp: a real socket, which is what the helper reads with read(2).
func tcpPeer(t *testing.T, cfg *Config) (c *Conn, peer net.Conn) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	peer, err = net.Dial("tcp", l.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { peer.Close() })
	ours, err := l.Accept()
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		// The peer's half of the handshake; ours is read and dropped.
		peer.Write(zmtp.Greeting{Major: 3, Minor: 1, Mechanism: "NULL"}.Append(nil))
		peer.Write(zmtp.AppendCommand(nil, zmtp.CmdReady, zmtp.AppendMetadata(nil, zmtp.Metadata{{Name: "Socket-Type", Value: "PUSH"}})))
	}()
	if c, err = Handshake(ours, cfg); err != nil {
		t.Fatal(err)
	}
	go io.Copy(io.Discard, peer)
	return c, peer
}

func pullConfig() *Config {
	return &Config{SocketType: "PULL", NewMechanism: zmtp.NewNull, MaxMsgSize: -1, Stats: &Stats{}}
}

// A consumer that helps reads, on its own goroutine, what the reader would
// have: every message arrives once and in order, whoever read it, with
// frames split across writes so that either side meets their halves.
func TestHelpReadsWhatHasCome(t *testing.T) {
	c, peer := tcpPeer(t, pullConfig())
	p := pipe.New(0, 0, pipe.NewWake(), pipe.NewWake())
	done := make(chan error, 1)
	go func() { done <- c.Run(p) }()

	const n = 300
	helped := 0
	next := 0
	for i := 0; i < n; i++ {
		msg := zmtp.AppendFrame(nil, zmtp.FlagMore, []byte(fmt.Sprintf("m%d", i)))
		msg = zmtp.AppendFrame(msg, 0, make([]byte, i%40))
		// A whole message, and the first byte of the next one's header
		// now and then, so a helper also leaves half a frame behind.
		cut := len(msg)
		if i%3 == 0 {
			cut = len(msg) - 1
		}
		if _, err := peer.Write(msg[:cut]); err != nil {
			t.Fatal(err)
		}
		if p.Help() {
			helped++
		}
		if _, err := peer.Write(msg[cut:]); err != nil {
			t.Fatal(err)
		}
		next = drain(t, p, next, i+1)
	}
	peer.Close()
	if err := <-done; err != nil && err != io.EOF {
		t.Fatalf("Run: %v", err)
	}
	if helped == 0 {
		t.Fatalf("the consumer never read for itself in %d tries", n)
	}
	t.Logf("the consumer read %d of %d times", helped, n)
}

// drain pops messages until want have arrived in all, checking each.
func drain(t *testing.T, p *pipe.Pipe, got, want int) int {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for got < want {
		m, ok, _ := p.In.Pop()
		if !ok {
			if time.Now().After(deadline) {
				t.Fatalf("%d of %d messages arrived", got, want)
			}
			p.Help()
			time.Sleep(time.Millisecond)
			continue
		}
		if len(m.Frames) != 2 || string(m.Frames[0]) != fmt.Sprintf("m%d", got) || len(m.Frames[1]) != got%40 {
			t.Fatalf("message %d arrived as %q", got, m.Frames)
		}
		got++
	}
	return got
}

// A frame a helper finds too big ends the connection as one the reader
// found would: the reader reports it, counted.
func TestHelpHandsTheReaderItsError(t *testing.T) {
	cfg := pullConfig()
	cfg.MaxMsgSize = 10
	c, peer := tcpPeer(t, cfg)
	p := pipe.New(0, 0, pipe.NewWake(), pipe.NewWake())
	done := make(chan error, 1)
	go func() { done <- c.Run(p) }()
	if _, err := peer.Write(zmtp.AppendFrame(nil, 0, []byte("fine"))); err != nil {
		t.Fatal(err)
	}
	drain0 := time.Now().Add(5 * time.Second)
	for p.In.Len() == 0 && time.Now().Before(drain0) {
		p.Help()
	}
	if _, err := peer.Write(zmtp.AppendFrame(nil, 0, make([]byte, 20))); err != nil {
		t.Fatal(err)
	}
	deadline := time.After(5 * time.Second)
	for {
		select {
		case err := <-done:
			if err == nil || cfg.Stats.OversizedMessages.Load() != 1 {
				t.Fatalf("Run ended with %v, %d oversized counted; want the frame refused, counted once", err, cfg.Stats.OversizedMessages.Load())
			}
			if m, ok, _ := p.In.Pop(); !ok || string(m.Frames[0]) != "fine" {
				t.Fatal("the message before the bad frame was lost")
			}
			return
		case <-deadline:
			t.Fatal("the connection outlived a frame over the limit")
		default:
			p.Help()
		}
	}
}
