package zmq_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/purezmq/zmq"
)

// BenchmarkClientServerRoundTrip: a CLIENT's round trips to a SERVER that
// answers each by its routing id, 16 B, as BenchmarkLatency does for
// REQ/REP. An op is one round trip; allocs/op include the SERVER's.
func BenchmarkClientServerRoundTrip(b *testing.B) {
	for _, tr := range []string{"tcp", "ipc", "inproc"} {
		b.Run(tr, func(b *testing.B) { benchClientServer(b, tr) })
	}
}

func benchClientServer(b *testing.B, tr string) {
	c := patContext(b)
	server := patSocket(b, c, zmq.SERVER)
	if err := server.Bind(benchEndpoint(b, tr)); err != nil {
		b.Fatal(err)
	}
	client := patSocket(b, c, zmq.CLIENT)
	if err := client.Connect(server.LastEndpoint()); err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	go func() {
		for {
			m, err := server.Recv(ctx)
			if err != nil || server.Send(ctx, m) != nil {
				return
			}
		}
	}()
	msg := zmq.NewMsg(make([]byte, 16))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := client.Send(ctx, msg); err != nil {
			b.Fatal(err)
		}
		m, err := client.Recv(ctx)
		if err != nil {
			b.Fatal(err)
		}
		m.Release()
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "roundtrips/s")
}

// BenchmarkRadioDishThroughput: a RADIO sending to one DISH that joined the
// group, as BenchmarkThroughput does for PUSH/PULL. Over tcp and inproc
// WithXPubNoDrop makes the RADIO wait rather than drop, so every message
// counts. Over udp nothing waits: datagrams the receiver's kernel buffer
// cannot hold are lost, so msg/s counts what arrived (in the time the
// sending took, and the receiving of what came) and lost% what did not.
// allocs/op include the DISH's.
func BenchmarkRadioDishThroughput(b *testing.B) {
	for _, tr := range []string{"tcp", "udp", "inproc"} {
		for _, size := range []int{16, 256} {
			b.Run(fmt.Sprintf("%s/%d", tr, size), func(b *testing.B) {
				benchRadioDish(b, tr, size)
			})
		}
	}
}

func benchRadioDish(b *testing.B, tr string, size int) {
	c := patContext(b)
	dish := patSocket(b, c, zmq.DISH, zmq.WithSocketBuffers(0, 4<<20))
	if err := dish.Join("bench"); err != nil {
		b.Fatal(err)
	}
	radio := patSocket(b, c, zmq.RADIO, zmq.WithXPubNoDrop(true))
	ep := "udp://127.0.0.1:*"
	if tr != "udp" {
		ep = benchEndpoint(b, tr)
		if err := radio.Bind(ep); err != nil {
			b.Fatal(err)
		}
		if err := dish.Connect(radio.LastEndpoint()); err != nil {
			b.Fatal(err)
		}
	} else {
		if err := dish.Bind(ep); err != nil {
			b.Fatal(err)
		}
		if err := radio.Connect(dish.LastEndpoint()); err != nil {
			b.Fatal(err)
		}
	}
	ctx := context.Background()
	msg := zmq.NewMsg(make([]byte, size))
	msg.Group = "bench"
	// Until the DISH hears one, its JOIN (or its socket) is not there yet.
	for {
		if err := radio.Send(ctx, msg); err != nil {
			b.Fatal(err)
		}
		if m, err := tryRecv(dish, 10*time.Millisecond); err == nil {
			m.Release()
			break
		}
	}
	for {
		m, err := tryRecv(dish, 20*time.Millisecond)
		if err != nil {
			break
		}
		m.Release()
	}
	errc := make(chan error, 1)
	received := make(chan struct{})
	b.SetBytes(int64(size))
	b.ReportAllocs()
	b.ResetTimer()
	go func() {
		for i := 0; i < b.N; i++ {
			if err := radio.Send(ctx, msg); err != nil {
				errc <- err
				return
			}
		}
		// Over udp the receiver cannot count on all of them: an empty
		// message, sent until it is heard, says there are no more.
		end := zmq.NewMsg(nil)
		end.Group = "bench"
		for tr == "udp" {
			if err := radio.Send(ctx, end); err != nil {
				errc <- err
				return
			}
			select {
			case <-received:
				errc <- nil
				return
			case <-time.After(time.Millisecond):
			}
		}
		errc <- nil
	}()
	got := 0
	for got < b.N {
		m, err := dish.Recv(ctx)
		if err != nil {
			b.Fatal(err)
		}
		if len(m.Bytes()) == 0 {
			break // udp: the rest was lost
		}
		m.Release()
		got++
	}
	close(received)
	b.StopTimer()
	if err := <-errc; err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(got)/b.Elapsed().Seconds(), "msg/s")
	if tr == "udp" {
		b.ReportMetric(100*float64(b.N-got)/float64(b.N), "lost%")
	}
}
