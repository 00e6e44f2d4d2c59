package ws

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gorilla/websocket"
	"github.com/purezmq/zmq"
)

// The WebSocket library question (issue 14): would gorilla/websocket carry
// ZWS frames faster than purezmq's own framing? BenchmarkZWSOverGorilla
// sends ZWS frames (a flags byte and a body per binary message) from a
// gorilla client to a gorilla server over loopback, with nothing else
// around them; BenchmarkZWSPurezmq sends the same messages PUSH to PULL
// over ws:// with purezmq, the whole ZeroMQ stack included. Both clients
// mask, as RFC 6455 requires.

var framingSizes = []int{16, 256, 65536}

func BenchmarkZWSOverGorilla(b *testing.B) {
	for _, size := range framingSizes {
		b.Run(fmt.Sprint(size), func(b *testing.B) {
			received := make(chan error, 1)
			upgrader := websocket.Upgrader{Subprotocols: []string{"ZWS2.0/NULL"}}
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				c, err := upgrader.Upgrade(w, r, nil)
				if err != nil {
					received <- err
					return
				}
				defer c.Close()
				c.SetReadLimit(-1)
				for i := 0; i < b.N; i++ {
					if _, _, err := c.ReadMessage(); err != nil {
						received <- err
						return
					}
				}
				received <- nil
			}))
			defer srv.Close()
			dialer := websocket.Dialer{Subprotocols: []string{"ZWS2.0/NULL"}}
			c, _, err := dialer.Dial("ws://"+strings.TrimPrefix(srv.URL, "http://")+"/", nil)
			if err != nil {
				b.Fatal(err)
			}
			defer c.Close()
			frame := make([]byte, 1+size) // flags byte, then the body
			b.SetBytes(int64(size))
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if err := c.WriteMessage(websocket.BinaryMessage, frame); err != nil {
					b.Fatal(err)
				}
			}
			if err := <-received; err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msg/s")
		})
	}
}

func BenchmarkZWSPurezmq(b *testing.B) {
	for _, size := range framingSizes {
		b.Run(fmt.Sprint(size), func(b *testing.B) {
			pull, _ := zmq.NewSocket(zmq.PULL, zmq.WithLinger(0))
			defer pull.Close()
			push, _ := zmq.NewSocket(zmq.PUSH, zmq.WithLinger(0))
			defer push.Close()
			if err := pull.Bind("ws://127.0.0.1:*/bench"); err != nil {
				b.Fatal(err)
			}
			if err := push.Connect(pull.LastEndpoint()); err != nil {
				b.Fatal(err)
			}
			ctx := context.Background()
			msg := zmq.NewMsg(make([]byte, size))
			errc := make(chan error, 1)
			b.SetBytes(int64(size))
			b.ReportAllocs()
			b.ResetTimer()
			go func() {
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
			if err := <-errc; err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msg/s")
		})
	}
}
