package zmq_test

import (
	"bytes"
	"encoding/binary"
	"sync/atomic"
	"testing"
	"time"

	"github.com/purezmq/zmq"
)

// TestRepliesToASlowReader: a reply goes out on the goroutine that sends
// it, and what the kernel will not take at once is left to a writer
// goroutine. With small socket buffers and a client that reads only once
// hundreds of replies are waiting, replies meet a full buffer; every one
// must still arrive whole and in order. (Buffers below the loopback MSS
// would stall tcp itself, on zero-window probes that back off to seconds.)
func TestRepliesToASlowReader(t *testing.T) {
	for _, tr := range transports[:3] { // tcp, tcp6, ipc: the file-descriptor paths
		t.Run(tr.name, func(t *testing.T) {
			const n, size = 3000, 1500
			server := newSocket(t, zmq.DEALER, zmq.WithSocketBuffers(64<<10, 64<<10))
			client := newSocket(t, zmq.DEALER, zmq.WithRecvHWM(4), zmq.WithSocketBuffers(64<<10, 64<<10))
			connect(t, client, bind(t, server, tr.endpoint(t)))

			var replied, sentN atomic.Int64
			serverDone := make(chan error, 1)
			go func() {
				for i := 0; i < n; i++ {
					m, err := server.Recv(ctxT(t))
					if err != nil {
						serverDone <- err
						return
					}
					reply := bytes.Repeat(m.Frames[0][:1], size)
					copy(reply, m.Frames[0])
					if err := server.Send(ctxT(t), zmq.NewMsg(reply)); err != nil {
						serverDone <- err
						return
					}
					replied.Add(1)
				}
				serverDone <- nil
			}()
			go func() {
				for i := 0; i < n; i++ {
					req := binary.BigEndian.AppendUint32([]byte{byte(i)}, uint32(i))
					if err := client.Send(ctxT(t), zmq.NewMsg(req)); err != nil {
						return
					}
					sentN.Add(1)
				}
			}()
			// Read nothing until replies have piled up beyond what the
			// buffers hold.
			deadline := time.Now().Add(10 * time.Second)
			for replied.Load() < 200 && time.Now().Before(deadline) {
				time.Sleep(time.Millisecond) // polling a condition, with a deadline
			}
			for i := 0; i < n; i++ {
				m, err := client.Recv(ctxT(t))
				if err != nil {
					t.Fatalf("reply %d: %v (server replied %d, client sent %d)", i, err, replied.Load(), sentN.Load())
				}
				body := m.Frames[0]
				want := bytes.Repeat([]byte{byte(i)}, size)
				copy(want, binary.BigEndian.AppendUint32([]byte{byte(i)}, uint32(i)))
				if !bytes.Equal(body, want) {
					t.Fatalf("reply %d: %d bytes, starting % x", i, len(body), body[:min(8, len(body))])
				}
			}
			if err := <-serverDone; err != nil {
				t.Fatal(err)
			}
		})
	}
}
