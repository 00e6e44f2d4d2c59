package zmq_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/purezmq/zmq"
)

// The pattern benchmarks: go test -bench 'PubSub|Router' -benchmem.
// bench/patterns.sh runs the same patterns beside libzmq.

// patEndpoint is a fresh endpoint on tr for the benchmark b.
func patEndpoint(b *testing.B, tr string) string {
	if tr == "tcp" {
		return "tcp://127.0.0.1:*"
	}
	return "inproc://" + b.Name()
}

func patSocket(b *testing.B, c *zmq.Context, t zmq.Type, opts ...zmq.Option) *zmq.Socket {
	b.Helper()
	s, err := c.NewSocket(t, append([]zmq.Option{zmq.WithLinger(0)}, opts...)...)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	return s
}

func patContext(b *testing.B) *zmq.Context {
	c := zmq.NewContext()
	b.Cleanup(func() { c.Close() })
	return c
}

// BenchmarkPubSubFanout: one PUB, n SUBs subscribed to everything, each
// reading in a goroutine of its own. An op is one message published, and
// delivered to every SUB: WithXPubNoDrop makes the PUB wait for the slowest
// instead of dropping, so every message counts. allocs/op include the SUBs'.
func BenchmarkPubSubFanout(b *testing.B) {
	for _, tr := range []string{"inproc", "tcp"} {
		for _, n := range []int{1, 10} {
			for _, size := range []int{16, 1024} {
				b.Run(fmt.Sprintf("%s/subs=%d/%dB", tr, n, size), func(b *testing.B) {
					benchFanout(b, tr, n, size)
				})
			}
		}
	}
}

func benchFanout(b *testing.B, tr string, n, size int) {
	c := patContext(b)
	pub := patSocket(b, c, zmq.PUB, zmq.WithXPubNoDrop(true), zmq.WithSendTimeout(0))
	if err := pub.Bind(patEndpoint(b, tr)); err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	var ready, done sync.WaitGroup
	ready.Add(n)
	done.Add(n)
	errc := make(chan error, n)
	count := b.N
	for i := 0; i < n; i++ {
		sub := patSocket(b, c, zmq.SUB)
		if err := sub.Subscribe(""); err != nil {
			b.Fatal(err)
		}
		if err := sub.Connect(pub.LastEndpoint()); err != nil {
			b.Fatal(err)
		}
		go func() {
			defer done.Done()
			isReady := false
			for got := 0; got < count; {
				m, err := sub.Recv(ctx)
				if err != nil {
					errc <- err
					if !isReady {
						ready.Done()
					}
					return
				}
				if d := m.Bytes(); len(d) > 0 && d[0] == 'H' {
					if !isReady {
						isReady = true
						ready.Done()
					}
					continue
				}
				got++
			}
		}()
	}
	// Hellos until every SUB has one: then all subscriptions are in.
	readyc := make(chan struct{})
	go func() { ready.Wait(); close(readyc) }()
	hello := zmq.NewMsgString("H")
	for waiting := true; waiting; {
		pub.Send(ctx, hello) // a full queue drops it: it is sent again
		select {
		case <-readyc:
			waiting = false
		case <-time.After(time.Millisecond):
		}
	}
	if err := pub.SetOptions(zmq.WithSendTimeout(-1)); err != nil {
		b.Fatal(err)
	}
	body := make([]byte, size)
	body[0] = 'D'
	msg := zmq.NewMsg(body)
	b.SetBytes(int64(size))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < count; i++ {
		if err := pub.Send(ctx, msg); err != nil {
			b.Fatal(err)
		}
	}
	done.Wait()
	b.StopTimer()
	select {
	case err := <-errc:
		b.Fatal(err)
	default:
	}
	s := b.Elapsed().Seconds()
	b.ReportMetric(float64(count)/s, "msg/s")
	b.ReportMetric(float64(count*n)/s, "delivered/s")
}

// BenchmarkRouterDealerRoundTrip: k DEALERs, each in a goroutine of its own,
// making round trips one after the other to a ROUTER that echoes. An op is
// one round trip; b.N is shared out among the DEALERs.
func BenchmarkRouterDealerRoundTrip(b *testing.B) {
	for _, tr := range []string{"inproc", "tcp"} {
		for _, k := range []int{1, 100} {
			b.Run(fmt.Sprintf("%s/dealers=%d", tr, k), func(b *testing.B) {
				benchRouterRoundTrip(b, tr, k)
			})
		}
	}
}

func benchRouterRoundTrip(b *testing.B, tr string, k int) {
	c := patContext(b)
	router := patSocket(b, c, zmq.ROUTER)
	if err := router.Bind(patEndpoint(b, tr)); err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	go func() {
		for {
			m, err := router.Recv(ctx)
			if err != nil || router.Send(ctx, m) != nil {
				return
			}
		}
	}()
	msg := zmq.NewMsg(make([]byte, 16))
	roundTrip := func(d *zmq.Socket) error {
		if err := d.Send(ctx, msg); err != nil {
			return err
		}
		_, err := d.Recv(ctx)
		return err
	}
	dealers := make([]*zmq.Socket, k)
	for i := range dealers {
		dealers[i] = patSocket(b, c, zmq.DEALER)
		if err := dealers[i].Connect(router.LastEndpoint()); err != nil {
			b.Fatal(err)
		}
		if err := roundTrip(dealers[i]); err != nil {
			b.Fatal(err)
		}
	}
	var wg sync.WaitGroup
	errc := make(chan error, k)
	b.ReportAllocs()
	b.ResetTimer()
	for i, d := range dealers {
		trips := b.N / k
		if i < b.N%k {
			trips++
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < trips; j++ {
				if err := roundTrip(d); err != nil {
					errc <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	b.StopTimer()
	select {
	case err := <-errc:
		b.Fatal(err)
	default:
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "roundtrips/s")
}

// BenchmarkRouterFanout: a ROUTER sending by routing id to 100 DEALERs in
// turn, each reading in a goroutine of its own. WithRouterMandatory makes
// the ROUTER wait for a full peer instead of dropping. An op is one message
// routed and received.
func BenchmarkRouterFanout(b *testing.B) {
	const k = 100
	for _, tr := range []string{"inproc", "tcp"} {
		b.Run(fmt.Sprintf("%s/dealers=%d", tr, k), func(b *testing.B) {
			c := patContext(b)
			router := patSocket(b, c, zmq.ROUTER, zmq.WithRouterMandatory(true))
			if err := router.Bind(patEndpoint(b, tr)); err != nil {
				b.Fatal(err)
			}
			ctx := context.Background()
			var wg sync.WaitGroup
			errc := make(chan error, k)
			msgs := make([]zmq.Msg, k)
			body := make([]byte, 16)
			for i := range msgs {
				id := fmt.Appendf(nil, "d%03d", i)
				msgs[i] = zmq.NewMsg(id, body)
				d := patSocket(b, c, zmq.DEALER, zmq.WithRoutingID(id))
				if err := d.Connect(router.LastEndpoint()); err != nil {
					b.Fatal(err)
				}
				if err := d.Send(ctx, zmq.NewMsgString("hello")); err != nil {
					b.Fatal(err)
				}
				want := b.N / k
				if i < b.N%k {
					want++
				}
				wg.Add(1)
				go func() {
					defer wg.Done()
					for j := 0; j < want; j++ {
						if _, err := d.Recv(ctx); err != nil {
							errc <- err
							return
						}
					}
				}()
			}
			for i := 0; i < k; i++ { // every DEALER is known by its id
				if _, err := router.Recv(ctx); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if err := router.Send(ctx, msgs[i%k]); err != nil {
					b.Fatal(err)
				}
			}
			wg.Wait()
			b.StopTimer()
			select {
			case err := <-errc:
				b.Fatal(err)
			default:
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msg/s")
		})
	}
}
