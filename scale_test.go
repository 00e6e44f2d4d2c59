package zmq_test

import (
	"runtime"
	"strconv"
	"testing"

	"github.com/purezmq/zmq"
)

// Idle connections are what a server with many clients is made of, so what
// each one holds is part of the contract (docs/PERFORMANCE.md): one parked
// goroutine per end, no read or write buffer, small queues. Measured in
// this process with bench/connscale: about 11 KiB of heap and 8 KiB of
// stack per connection, both ends; the design before it held 220 KiB and
// 96 KiB, and libzmq's whole process grows by 59 KiB per connection.
func TestIdleConnectionsAreCheap(t *testing.T) {
	for _, tr := range []struct{ name, endpoint string }{
		{"tcp", "tcp://127.0.0.1:*"},
		{"ipc", "ipc://" + t.TempDir() + "/scale"},
	} {
		t.Run(tr.name, func(t *testing.T) {
			const n = 300
			router := newSocket(t, zmq.ROUTER)
			ep := bind(t, router, tr.endpoint)
			before := settledMemory()
			goroutinesBefore := runtime.NumGoroutine()
			dealers := make([]*zmq.Socket, n)
			for i := range dealers {
				dealers[i] = newSocket(t, zmq.DEALER, zmq.WithRoutingID([]byte("d"+strconv.Itoa(i))))
				connect(t, dealers[i], ep)
				send(t, dealers[i], "ping")
			}
			for range dealers {
				m, err := router.Recv(ctxT(t))
				if err != nil {
					t.Fatal(err)
				}
				if err := router.Send(ctxT(t), m); err != nil {
					t.Fatal(err)
				}
			}
			for _, d := range dealers {
				if got := recv(t, d); got[0] != "ping" {
					t.Fatalf("reply %q", got)
				}
			}
			// Writers end once they have written: what is left is one
			// goroutine for each end of each connection.
			eventually(t, "writers to end", func() bool {
				return runtime.NumGoroutine()-goroutinesBefore <= 2*n
			})
			after := settledMemory()
			perConn := float64(after-before) / n / 1024
			t.Logf("%.1f KiB of heap and stack per connection, both ends", perConn)
			bound := 40.0
			if raceEnabled {
				bound = 64
			}
			if perConn > bound {
				t.Fatalf("idle connections hold %.1f KiB each, want at most %.0f", perConn, bound)
			}
		})
	}
}

// settledMemory is the heap and stacks in use once garbage is collected and
// stacks have had the collections they need to shrink.
func settledMemory() uint64 {
	var ms runtime.MemStats
	for range 4 {
		runtime.GC()
	}
	runtime.ReadMemStats(&ms)
	return ms.HeapInuse + ms.StackInuse
}
