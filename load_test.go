package zmq_test

import (
	"context"
	"runtime"
	"testing"

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
