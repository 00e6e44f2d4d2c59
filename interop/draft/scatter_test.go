package draft

import (
	"fmt"
	"testing"

	"github.com/purezmq/zmq"
)

// TestScatterGather: SCATTER to GATHER, each library on either side and
// either binding, over tcp and ipc.
func TestScatterGather(t *testing.T) {
	const n = 20
	for _, tr := range transports {
		for _, oursBinds := range []bool{true, false} {
			t.Run("our-scatter/"+tr+"/"+roles(oursBinds), func(t *testing.T) {
				scatter := newSocket(t, zmq.SCATTER)
				gather := startNode(t, "Gather")
				link(t, scatter, gather, tr, oursBinds)
				for i := 0; i < n; i++ {
					sendMsg(t, scatter, zmq.NewMsgString(fmt.Sprint("part ", i)))
				}
				for i := 0; i < n; i++ {
					if got := string(gather.recv().body()); got != fmt.Sprint("part ", i) {
						t.Fatalf("message %d is %q", i, got)
					}
				}
			})
			t.Run("our-gather/"+tr+"/"+roles(oursBinds), func(t *testing.T) {
				gather := newSocket(t, zmq.GATHER)
				scatter := startNode(t, "Scatter")
				link(t, gather, scatter, tr, oursBinds)
				for i := 0; i < n; i++ {
					scatter.send(fmt.Sprint("part ", i), nil)
				}
				for i := 0; i < n; i++ {
					if got := recvMsg(t, gather).String(); got != fmt.Sprint("part ", i) {
						t.Fatalf("message %d is %q", i, got)
					}
				}
			})
		}
	}
}
