package zmq_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/purezmq/zmq"
)

// BenchmarkThroughput measures PUSH to PULL messages per second, as libzmq's
// local_thr/remote_thr do.
func BenchmarkThroughput(b *testing.B) {
	for _, tr := range []string{"tcp", "ipc", "inproc", "ws"} {
		for _, size := range []int{16, 256, 4096, 65536, 1 << 20} {
			b.Run(fmt.Sprintf("%s/%d", tr, size), func(b *testing.B) {
				benchThroughput(b, benchEndpoint(b, tr), size)
			})
		}
	}
}

func benchEndpoint(b *testing.B, tr string) string {
	switch tr {
	case "tcp":
		return "tcp://127.0.0.1:*"
	case "ipc":
		return "ipc://" + b.TempDir() + "/bench"
	case "ws":
		return "ws://127.0.0.1:*/bench"
	}
	return "inproc://" + b.Name()
}

func benchThroughput(b *testing.B, endpoint string, size int) {
	pull, _ := zmq.NewSocket(zmq.PULL, zmq.WithLinger(0))
	defer pull.Close()
	push, _ := zmq.NewSocket(zmq.PUSH, zmq.WithLinger(0))
	defer push.Close()
	if err := pull.Bind(endpoint); err != nil {
		b.Fatal(err)
	}
	if err := push.Connect(pull.LastEndpoint()); err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	body := make([]byte, size)
	errc := make(chan error, 1)
	b.SetBytes(int64(size))
	b.ReportAllocs()
	b.ResetTimer()
	go func() {
		msg := zmq.NewMsg(body)
		for i := 0; i < b.N; i++ {
			if err := push.Send(ctx, msg); err != nil {
				errc <- err
				return
			}
		}
		errc <- nil
	}()
	for i := 0; i < b.N; i++ {
		m, err := pull.Recv(ctx)
		if err != nil {
			b.Fatal(err)
		}
		m.Release()
	}
	b.StopTimer()
	if err := <-errc; err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msg/s")
}

// BenchmarkLatency measures REQ/REP round trips, as libzmq's local_lat and
// remote_lat do.
func BenchmarkLatency(b *testing.B) {
	for _, tr := range []string{"tcp", "ipc", "inproc", "ws"} {
		b.Run(tr, func(b *testing.B) {
			rep, _ := zmq.NewSocket(zmq.REP, zmq.WithLinger(0))
			defer rep.Close()
			req, _ := zmq.NewSocket(zmq.REQ, zmq.WithLinger(0))
			defer req.Close()
			if err := rep.Bind(benchEndpoint(b, tr)); err != nil {
				b.Fatal(err)
			}
			if err := req.Connect(rep.LastEndpoint()); err != nil {
				b.Fatal(err)
			}
			ctx := context.Background()
			go func() {
				for {
					m, err := rep.Recv(ctx)
					if err != nil || rep.Send(ctx, m) != nil {
						return
					}
				}
			}()
			msg := zmq.NewMsg(make([]byte, 16))
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if err := req.Send(ctx, msg); err != nil {
					b.Fatal(err)
				}
				if _, err := req.Recv(ctx); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkCurveThroughput is BenchmarkThroughput over CURVE.
func BenchmarkCurveThroughput(b *testing.B) {
	serverPub, serverSec, _ := zmq.NewCurveKeyPair()
	clientPub, clientSec, _ := zmq.NewCurveKeyPair()
	for _, size := range []int{16, 1024, 65536} {
		b.Run(fmt.Sprint(size), func(b *testing.B) {
			pull, _ := zmq.NewSocket(zmq.PULL, zmq.WithLinger(0), zmq.WithCurveServer(serverSec))
			defer pull.Close()
			push, _ := zmq.NewSocket(zmq.PUSH, zmq.WithLinger(0), zmq.WithCurveClient(serverPub, clientPub, clientSec))
			defer push.Close()
			if err := pull.Bind("tcp://127.0.0.1:*"); err != nil {
				b.Fatal(err)
			}
			if err := push.Connect(pull.LastEndpoint()); err != nil {
				b.Fatal(err)
			}
			ctx := context.Background()
			msg := zmq.NewMsg(make([]byte, size))
			b.SetBytes(int64(size))
			b.ReportAllocs()
			b.ResetTimer()
			go func() {
				for i := 0; i < b.N; i++ {
					if push.Send(ctx, msg) != nil {
						return
					}
				}
			}()
			for i := 0; i < b.N; i++ {
				m, err := pull.Recv(ctx)
				if err != nil {
					b.Fatal(err)
				}
				m.Release()
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msg/s")
		})
	}
}
