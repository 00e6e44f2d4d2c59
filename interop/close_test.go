package interop

import (
	"context"
	"fmt"
	"strconv"
	"testing"
	"time"

	zmq4 "github.com/pebbe/zmq4"
	"github.com/purezmq/zmq"
)

// TestCloseDeliversTailToLibzmq: our PUSH sends 50,000 messages to a
// libzmq PULL that reads them as they come, then closes with the default
// linger; libzmq must get every one, over tcp and ipc, whoever binds.
//
// libzmq drops a connection as soon as it sees it hung up, with data still
// unread in its kernel buffer: over ipc when the peer closes, over tcp when
// the peer's close answers a late heartbeat of libzmq's with a reset
// (hence the runs with libzmq sending PINGs). Before the fix libzmq got
// 26-44k of 50k over ipc and 9-47k over tcp with heartbeats. Closing our
// side only once libzmq has read everything and closed its own side (it
// does when it reads the end of our stream) spares it that.
func TestCloseDeliversTailToLibzmq(t *testing.T) {
	for _, tr := range transports {
		for _, oursBinds := range []bool{true, false} {
			for _, ping := range []time.Duration{0, 10 * time.Millisecond} {
				name := fmt.Sprintf("%s/%s/ping-%v", tr, binderName(oursBinds), ping)
				t.Run(name, func(t *testing.T) { closeTail(t, tr, oursBinds, ping) })
			}
		}
	}
}

func closeTail(t *testing.T, tr string, oursBinds bool, ping time.Duration) {
	const n = 50000
	pull := newLZ(t, zmq.PULL, func(s *zmq4.Socket) error {
		if ping == 0 {
			return nil
		}
		// A slow PONG under load must not end the connection: only the
		// PINGs matter here.
		if err := s.SetHeartbeatTimeout(timeout); err != nil {
			return err
		}
		return s.SetHeartbeatIvl(ping)
	})
	push, err := zmq.NewSocket(zmq.PUSH)
	must(t, err)
	if oursBinds {
		lzConnect(t, pull, oursBind(t, push, bindAddr(t, tr)))
	} else {
		oursConnect(t, push, lzBind(t, pull, bindAddr(t, tr)))
	}
	got := make(chan int, 1)
	go func() {
		// A second of silence after the sender has closed means nothing
		// more is coming.
		must(t, pull.SetRcvtimeo(time.Second))
		count := 0
		for count < n {
			m, err := pull.RecvBytes(0)
			if err != nil {
				break
			}
			if want := strconv.Itoa(count); string(m) != want {
				t.Errorf("message %d is %q", count, m)
				break
			}
			count++
		}
		got <- count
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 4*timeout)
	defer cancel()
	for i := 0; i < n; i++ {
		if err := push.Send(ctx, zmq.NewMsgString(strconv.Itoa(i))); err != nil {
			t.Fatalf("send %d: %v", i, err)
		}
	}
	closed := make(chan error, 1)
	go func() { closed <- push.Close() }()
	select {
	case err := <-closed:
		must(t, err)
	case <-time.After(4 * timeout):
		t.Fatal("Close did not return")
	}
	if count := <-got; count != n {
		t.Errorf("libzmq received %d of %d messages", count, n)
	}
	if st := push.Stats(); st.CloseDroppedMessages != 0 || st.CloseAbandonedPeers != 0 {
		t.Errorf("Close gave up: %d messages dropped, %d peers abandoned", st.CloseDroppedMessages, st.CloseAbandonedPeers)
	}
}
