package zmq_test

import (
	"bytes"
	"context"
	"runtime"
	"testing"
	"time"

	"github.com/purezmq/zmq"
	"github.com/purezmq/zmq/internal/zmtp"
)

// A PUB whose subscriber never reads keeps its memory bounded by the HWMs:
// 200,000 sends of 1 KiB (200 MB in all) leave the heap about where it was.
func TestPubStalledSubscriberMemoryFlat(t *testing.T) {
	pub := newSocket(t, zmq.PUB)
	sub := newSocket(t, zmq.SUB)
	sub.Subscribe("")
	connect(t, sub, bind(t, pub, "tcp://127.0.0.1:*"))
	syncTopic(t, pub, sub, "")
	before := heapInUse()
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	for i := 0; i < 200000; i++ {
		// A body of its own per message: were they queued without bound,
		// they would all stay alive.
		if err := pub.Send(ctx, zmq.NewMsg(make([]byte, 1024))); err != nil {
			t.Fatalf("send %d: %v", i, err)
		}
	}
	grown := int64(heapInUse()) - int64(before)
	// Two HWMs of 1000 messages of 1 KiB, and the read and write buffers.
	if grown > 16<<20 {
		t.Fatalf("heap grew by %d MiB for a stalled subscriber", grown>>20)
	}
}

func heapInUse() uint64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapInuse
}

// A SUBSCRIBE sent to a socket that cannot take one is dropped, and the
// connection goes on.
func TestSubscribeToNonPublisherIgnored(t *testing.T) {
	sub := newSocket(t, zmq.SUB)
	sub.Subscribe("")
	ep := bind(t, sub, "tcp://127.0.0.1:*")
	p := dialRaw(t, ep)
	p.handshake("PUB")
	p.write(zmtp.AppendCommand(nil, zmtp.CmdSubscribe, []byte("topic")))
	p.write(zmtp.AppendFrame(nil, 0, []byte("still connected")))
	expect(t, sub, "still connected")
	if s := sub.Stats(); s.ProtocolErrors != 0 {
		t.Fatalf("a stray SUBSCRIBE was treated as an error: %+v", s)
	}
}

// A ZMTP 3.0 publisher takes subscriptions as messages ("\x01topic"), not
// as SUBSCRIBE commands; a 3.0 subscriber sends them that way too.
func TestZMTP30SubscriptionForm(t *testing.T) {
	sub := newSocket(t, zmq.SUB)
	ep := bind(t, sub, "tcp://127.0.0.1:*")
	p := dialRaw(t, ep)
	p.write(zmtp.Greeting{Major: 3, Minor: 0, Mechanism: "NULL"}.Append(nil))
	p.write(zmtp.AppendCommand(nil, zmtp.CmdReady, zmtp.AppendMetadata(nil, zmtp.Metadata{{Name: "Socket-Type", Value: "PUB"}})))
	if err := sub.Subscribe("abc"); err != nil {
		t.Fatal(err)
	}
	in := readRawFrames(t, p, func(fs []rawFrame) bool {
		return len(fs) > 0 && string(fs[len(fs)-1].body) == "\x01abc"
	})
	var sawReady, sawSub bool
	for _, f := range in {
		switch {
		case f.flags&zmtp.FlagCommand != 0:
			cmd, err := zmtp.ParseCommand(f.body)
			if err != nil {
				t.Fatal(err)
			}
			if cmd.Name == zmtp.CmdSubscribe {
				t.Fatal("sent a SUBSCRIBE command to a ZMTP 3.0 peer")
			}
			sawReady = sawReady || cmd.Name == zmtp.CmdReady
		case string(f.body) == "\x01abc":
			sawSub = true
		}
	}
	if !sawReady || !sawSub {
		t.Fatalf("frames %+v: want READY then the message \\x01abc", in)
	}

	// And a 3.0 subscriber's message form reaches our PUB's filter.
	pub := newSocket(t, zmq.PUB)
	ep = bind(t, pub, "tcp://127.0.0.1:*")
	s := dialRaw(t, ep)
	s.write(zmtp.Greeting{Major: 3, Minor: 0, Mechanism: "NULL"}.Append(nil))
	s.write(zmtp.AppendCommand(nil, zmtp.CmdReady, zmtp.AppendMetadata(nil, zmtp.Metadata{{Name: "Socket-Type", Value: "SUB"}})))
	s.write(zmtp.AppendFrame(nil, 0, []byte("\x01abc")))
	readRawFrames(t, s, func(fs []rawFrame) bool { return len(fs) > 0 }) // READY
	eventually(t, "the publisher to send a matching message", func() bool {
		send(t, pub, "xyz nobody")
		send(t, pub, "abc news")
		_ = s.conn.SetReadDeadline(time.Now().Add(20 * time.Millisecond))
		buf := make([]byte, 256)
		n, _ := s.conn.Read(buf)
		return bytes.Contains(buf[:n], []byte("abc news")) && !bytes.Contains(buf[:n], []byte("nobody"))
	})
}

type rawFrame struct {
	flags byte
	body  []byte
}

// readRawFrames skips the greeting and reads frames until done says so of
// the frames so far, or the test's deadline passes.
func readRawFrames(t *testing.T, p *rawPeer, done func([]rawFrame) bool) []rawFrame {
	t.Helper()
	var all []byte
	buf := make([]byte, 4096)
	_ = p.conn.SetReadDeadline(time.Now().Add(testTimeout))
	defer p.conn.SetReadDeadline(time.Time{})
	for {
		frames := parseRawFrames(all)
		if done(frames) {
			return frames
		}
		n, err := p.conn.Read(buf)
		if err != nil {
			t.Fatalf("reading frames %+v: %v", frames, err)
		}
		all = append(all, buf[:n]...)
	}
}

func parseRawFrames(all []byte) []rawFrame {
	if len(all) < zmtp.GreetingSize {
		return nil
	}
	var frames []rawFrame
	rest := all[zmtp.GreetingSize:]
	for len(rest) > 0 {
		flags, size, n, err := zmtp.ParseFrameHeader(rest)
		if err != nil || n == 0 || uint64(len(rest)-n) < size {
			break
		}
		frames = append(frames, rawFrame{flags, rest[n : n+int(size)]})
		rest = rest[n+int(size):]
	}
	return frames
}
