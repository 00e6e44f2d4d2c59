package interop

import (
	"fmt"
	"testing"

	"github.com/purezmq/zmq"
)

// TestDisconnectThenSend: once Disconnect returns, nothing sent afterwards
// may go to the disconnected endpoint. libzmq's zmq_disconnect terminates
// the endpoint's pipe before returning, so its load balancer skips it at
// once; every message then reaches the remaining peer.
func TestDisconnectThenSend(t *testing.T) {
	for _, tr := range transports {
		t.Run(tr, func(t *testing.T) {
			for round := 0; round < 20; round++ {
				ours := newOurs(t, zmq.DEALER)
				good := newLZ(t, zmq.DEALER)
				// Nobody listens here: its pipe only queues.
				gone := freeEndpoint(t, tr)
				oursConnect(t, ours, gone)
				oursConnect(t, ours, lzBind(t, good, bindAddr(t, tr)))
				must(t, ours.Disconnect(gone))
				const n = 10
				for i := 0; i < n; i++ {
					oursSend(t, ours, []byte(fmt.Sprint(i)))
				}
				for i := 0; i < n; i++ {
					got, err := good.RecvMessageBytes(0)
					if err != nil {
						t.Fatalf("round %d: libzmq got %d of %d messages sent after Disconnect(%s): %v", round, i, n, gone, err)
					}
					expectFrames(t, got, frames(fmt.Sprint(i)))
				}
			}
		})
	}
}
