package interop

import (
	"fmt"
	"testing"
	"time"

	zmq4 "github.com/pebbe/zmq4"
	"github.com/purezmq/zmq"
)

// exchange is a short conversation between our connecting socket and a
// libzmq bound one, used to check that a connection works.
type exchange struct {
	ours, lz zmq.Type
	steps    []step // from 0 is ours, 1 is libzmq
}

var exchanges = []exchange{
	{zmq.PUSH, zmq.PULL, []step{{0, frames("to", "libzmq"), frames("to", "libzmq")}}},
	{zmq.PULL, zmq.PUSH, []step{{1, frames("to", "ours"), frames("to", "ours")}}},
	{zmq.PAIR, zmq.PAIR, []step{
		{0, frames("ping"), frames("ping")},
		{1, frames("pong"), frames("pong")},
	}},
	{zmq.DEALER, zmq.DEALER, []step{
		{0, frames("ping"), frames("ping")},
		{1, frames("pong"), frames("pong")},
	}},
	{zmq.REQ, zmq.REP, []step{
		{0, frames("request"), frames("request")},
		{1, frames("reply"), frames("reply")},
	}},
	{zmq.DEALER, zmq.REP, []step{
		{0, frames("", "request"), frames("request")},
		{1, frames("reply"), frames("", "reply")},
	}},
}

func (x exchange) run(t *testing.T, ours *zmq.Socket, lz *zmq4.Socket, round int) {
	t.Helper()
	ends := [2]end{ourEnd{ours}, lzEnd{lz}}
	for i, s := range x.steps {
		msg := append(append([][]byte{}, s.send...), []byte(fmt.Sprint(round)))
		want := append(append([][]byte{}, s.want...), []byte(fmt.Sprint(round)))
		ends[s.from].send(t, msg...)
		if err := sameFrames(ends[1-s.from].recv(t), want); err != nil {
			t.Fatalf("round %d step %d: %v", round, i, err)
		}
	}
}

// lzBindRetry binds, retrying while the endpoint is still held by a libzmq
// socket just closed (libzmq closes its listener asynchronously).
func lzBindRetry(t *testing.T, s *zmq4.Socket, ep string) {
	t.Helper()
	var err error
	eventually(t, timeout, "rebinding "+ep, func() bool {
		err = s.Bind(ep)
		return err == nil
	})
}

// TestReconnect: ours connects to a libzmq bind; the libzmq socket goes
// away and a new one binds the same endpoint; ours reconnects by itself and
// the conversation goes on.
func TestReconnect(t *testing.T) {
	for _, x := range exchanges {
		for _, tr := range transports {
			t.Run(fmt.Sprintf("%v(ours)-%v(libzmq)/%s", x.ours, x.lz, tr), func(t *testing.T) {
				ours := newOurs(t, x.ours, zmq.WithReconnectInterval(20*time.Millisecond, 0))
				lz := newLZ(t, x.lz)
				ep := lzBind(t, lz, bindAddr(t, tr))
				oursConnect(t, ours, ep)
				x.run(t, ours, lz, 0)

				var mon *lzMonitor
				for round := 1; round <= 2; round++ {
					if mon != nil {
						mon.closeTarget(t)
					} else {
						must(t, lz.Close())
					}
					lz = newLZ(t, x.lz)
					mon = newLZMonitor(t, lz)
					lzBindRetry(t, lz, ep)
					// Wait until ours is back, so a message ours sends
					// cannot go down the connection that died.
					mon.waitFor(t, timeout, zmq4.EVENT_HANDSHAKE_SUCCEEDED)
					x.run(t, ours, lz, round)
				}
			})
		}
	}
}

// TestConnectBeforeBind: ours connects to an endpoint nobody binds yet, and
// queues what it sends; libzmq binds later and gets it.
func TestConnectBeforeBind(t *testing.T) {
	for _, x := range exchanges {
		for _, tr := range transports {
			t.Run(fmt.Sprintf("%v(ours)-%v(libzmq)/%s", x.ours, x.lz, tr), func(t *testing.T) {
				ours := newOurs(t, x.ours, zmq.WithReconnectInterval(20*time.Millisecond, 0))
				ep := freeEndpoint(t, tr)
				oursConnect(t, ours, ep)
				first := x.steps[0]
				if first.from == 0 {
					// Sent before anyone listens: queued on the connecting pipe.
					oursSend(t, ours, first.send...)
				}
				lz := newLZ(t, x.lz)
				lzBind(t, lz, ep)
				if first.from == 0 {
					expectFrames(t, lzRecv(t, lz), first.want)
					rest := exchange{x.ours, x.lz, x.steps[1:]}
					rest.run(t, ours, lz, 1)
				} else {
					x.run(t, ours, lz, 1)
				}
			})
		}
	}
}
