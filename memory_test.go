package zmq_test

import (
	"io"
	"math/rand/v2"
	"net"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/purezmq/zmq"
	"github.com/purezmq/zmq/internal/zmtp"
)

// heapBudget is what 2,500 hostile connections may cost in all. Each kind
// costs a few KiB a connection; before the fix the liars alone held 4 MiB
// each (2 GiB for 500).
const heapBudget = 64 << 20

// Peers cannot make a socket hold memory they have not sent: 500 that
// complete a NULL handshake and declare a 2^62-byte frame (refused at once:
// no process could hold it), 500 that declare 1 TiB and send 1 KiB of it,
// 500 of random bytes, 500 that send a greeting then garbage and 500 that
// send nothing cost under heapBudget of Go heap in all, and a good peer is
// served throughout.
func TestHostilePeersCannotInflateMemory(t *testing.T) {
	pull := newSocket(t, zmq.PULL)
	ep := bind(t, pull, "tcp://127.0.0.1:*")
	good := newSocket(t, zmq.PUSH)
	connect(t, good, ep)
	served := 0
	serve := func() {
		t.Helper()
		send(t, good, strconv.Itoa(served))
		expect(t, pull, strconv.Itoa(served))
		served++
	}
	serve()
	before := liveHeap()

	rng := rand.New(rand.NewPCG(1, 2))
	garbage := func() []byte {
		b := make([]byte, 64)
		for i := range b {
			b[i] = byte(rng.Uint32())
		}
		return b
	}
	greeting := zmtp.Greeting{Major: 3, Minor: 1, Mechanism: "NULL"}.Append(nil)
	ready := zmtp.AppendCommand(nil, zmtp.CmdReady, zmtp.AppendMetadata(nil, zmtp.Metadata{{Name: "Socket-Type", Value: "PUSH"}}))
	kinds := []struct {
		name string
		feed func() []byte
	}{
		{"declares 2^62 bytes", func() []byte { return cat(greeting, ready, frameHeader(0, 1<<62)) }},
		{"declares 1 TiB, sends 1 KiB", func() []byte { return cat(greeting, ready, frameHeader(0, 1<<40), make([]byte, 1024)) }},
		{"random bytes", garbage},
		{"greeting, then garbage", func() []byte { return cat(greeting, garbage()) }},
		{"silent", func() []byte { return nil }},
	}
	const each = 500
	conns := make([][]net.Conn, len(kinds))
	for k, kind := range kinds {
		for i := 0; i < each; i++ {
			c, err := net.Dial("tcp", strings.TrimPrefix(ep, "tcp://"))
			if err != nil {
				t.Fatalf("%s: dial %d: %v", kind.name, i, err)
			}
			t.Cleanup(func() { c.Close() })
			if b := kind.feed(); len(b) > 0 {
				if _, err := c.Write(b); err != nil {
					t.Fatalf("%s: write %d: %v", kind.name, i, err)
				}
			}
			conns[k] = append(conns[k], c)
			if i%100 == 99 {
				serve()
			}
		}
	}
	// The liars are refused at once: each is hung up on.
	for i, c := range conns[0] {
		_ = c.SetReadDeadline(time.Now().Add(testTimeout))
		if _, err := io.ReadAll(c); err != nil && !isReset(err) {
			t.Errorf("peer %d declaring 2^62 bytes not hung up on: %v", i, err)
			break
		}
	}
	if n := pull.Stats().ProtocolErrors; n < each {
		t.Errorf("%d protocol errors counted, want at least %d", n, each)
	}
	// What the socket holds is read at a few points while it keeps
	// serving, so a connection it had not got to yet at one is seen at
	// the next.
	var most uint64
	for i := 0; i < 5; i++ {
		serve()
		if h := liveHeap(); h > before {
			most = max(most, h-before)
		}
	}
	t.Logf("%d hostile connections: %.1f MiB of live heap (%d KiB each); budget %d MiB", len(kinds)*each, float64(most)/(1<<20), most/uint64(len(kinds)*each)>>10, heapBudget>>20)
	if most > heapBudget {
		t.Errorf("hostile peers hold %d MiB of heap, over the %d MiB budget", most>>20, heapBudget>>20)
	}
}

// liveHeap is the heap in use after a collection.
func liveHeap() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

func cat(parts ...[]byte) []byte {
	var out []byte
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}
