package interop

import (
	"fmt"
	"testing"

	"github.com/purezmq/zmq"
)

var frameSizes = []int{0, 1, 255, 256, 65536, 1<<20 + 1}

// TestFrameSizes sends frames whose sizes straddle ZMTP's short/long frame
// boundary (255/256) and run to over a MiB, alone and together in multipart
// messages, each way, and checks every byte.
func TestFrameSizes(t *testing.T) {
	type topo struct{ sender, receiver zmq.Type }
	for _, tp := range []topo{{zmq.PUSH, zmq.PULL}, {zmq.DEALER, zmq.DEALER}} {
		for _, oursSends := range []bool{true, false} {
			for _, oursBinds := range []bool{true, false} {
				for _, tr := range transports {
					dir, oursSide := "libzmq-to-ours", 1
					if oursSends {
						dir, oursSide = "ours-to-libzmq", 0
					}
					t.Run(fmt.Sprintf("%v-%v/%s/%s/%s", tp.sender, tp.receiver, dir, binderName(oursBinds), tr), func(t *testing.T) {
						ends := makeEnds(t, tp.sender, tp.receiver, oursSide, oursBinds, tr)
						var msgs [][][]byte
						for i, n := range frameSizes {
							msgs = append(msgs, [][]byte{pattern(n, byte(i))})
						}
						var all, reversed [][]byte
						for i, n := range frameSizes {
							all = append(all, pattern(n, byte(100+i)))
							reversed = append([][]byte{pattern(n, byte(200+i))}, reversed...)
						}
						msgs = append(msgs, all, reversed, [][]byte{{}, {}, {}})
						for _, m := range msgs {
							ends[0].send(t, m...)
						}
						for i, m := range msgs {
							if err := sameFrames(ends[1].recv(t), m); err != nil {
								t.Fatalf("message %d: %v", i, err)
							}
						}
					})
				}
			}
		}
	}
}
