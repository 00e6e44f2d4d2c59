package interop

import (
	"fmt"
	"testing"

	zmq4 "github.com/pebbe/zmq4"
	"github.com/purezmq/zmq"
)

// TestZMTP3UnaffectedByOldPeers: whichever ZMTP versions ours takes (it
// greets step by step when it takes old ones, as libzmq does), a libzmq 4.3
// peer and ours settle on ZMTP 3.x. libzmq reports HANDSHAKE_SUCCEEDED only
// for a ZMTP 3 handshake (it has none for older peers), and the routing id
// it routes by came in ours' READY.
func TestZMTP3UnaffectedByOldPeers(t *testing.T) {
	for _, minVersion := range []int{1, 2, 3} {
		for _, oursBinds := range []bool{true, false} {
			for _, tr := range transports {
				t.Run(fmt.Sprintf("min-%d/%s/%s", minVersion, binderName(oursBinds), tr), func(t *testing.T) {
					dealer := newOurs(t, zmq.DEALER, zmq.WithMinZMTPVersion(minVersion), zmq.WithRoutingID([]byte("ours")))
					router := newLZ(t, zmq.ROUTER)
					mon := newLZMonitor(t, router)
					if oursBinds {
						lzConnect(t, router, oursBind(t, dealer, bindAddr(t, tr)))
					} else {
						oursConnect(t, dealer, lzBind(t, router, bindAddr(t, tr)))
					}
					mon.waitFor(t, timeout, zmq4.EVENT_HANDSHAKE_SUCCEEDED)
					oursSend(t, dealer, []byte("hello"))
					expectFrames(t, lzRecv(t, router), frames("ours", "hello"))
					lzSend(t, router, []byte("ours"), []byte("back"))
					m := oursRecvMsg(t, dealer)
					expectFrames(t, m.Frames, frames("back"))
					if typ, _ := m.Property("Socket-Type"); typ != "ROUTER" {
						t.Fatalf("Socket-Type %q", typ)
					}
				})
			}
		}
	}
}
