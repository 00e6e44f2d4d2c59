// Command pubsub_thr is PUB/SUB fan-out throughput over purezmq: one PUB
// (the main goroutine) sends message-count messages of message-size bytes to
// subscribers SUBs, each in a goroutine of its own, which count what arrives.
// bench/c/pubsub_thr.c is the same program over libzmq: the arguments and
// result lines are identical, so bench/patterns.sh parses both alike.
//
//	pubsub_thr <endpoint> <subscribers> <message-size> <message-count> <all|half> <hwm> [nodrop]
//
// endpoint is tcp://127.0.0.1:* (port chosen by the PUB) or inproc://name;
// over tcp the PUB and the SUBs have separate contexts, as in the C program.
// "all": SUBs subscribe to "" and get every message; "half": they subscribe
// to "A" and every other message starts with "B", so the PUB filters out
// half. hwm is the PUB's send and the SUBs' receive high-water mark, 0 for
// none. nodrop sets WithXPubNoDrop: the PUB waits for the slowest SUB
// instead of dropping.
//
// Byte 0 of each message is its topic ("A" or "B"), byte 1 its kind: "H"
// hello (sent until every SUB has one), "D" data, "E" end (sent after the
// data until every SUB has one). A SUB's clock runs from its first data
// message to the end message.
//
// CPUPROFILE=file writes a CPU profile of the run, for go tool pprof;
// TRACE=file an execution trace, for go tool trace.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/purezmq/zmq"
	"github.com/purezmq/zmq/bench/internal/perfcli"
)

const usage = "pubsub_thr <endpoint> <subscribers> <message-size> <message-count> <all|half> <hwm> [nodrop]"

const timeout = 120 * time.Second

type sub struct {
	received     int64
	first, end   time.Time
	ready, ended bool
}

func main() {
	args := os.Args[1:]
	if len(args) != 6 && len(args) != 7 || args[4] != "all" && args[4] != "half" ||
		len(args) == 7 && args[6] != "nodrop" {
		fmt.Printf("usage: %s\n", usage)
		os.Exit(1)
	}
	endpoint := args[0]
	n := perfcli.Number(args[1], 1, usage)
	size := perfcli.Number(args[2], 2, usage)
	count := perfcli.Number(args[3], 1, usage)
	filter := args[4]
	half := filter == "half"
	hwm := perfcli.Number(args[5], 0, usage)
	nodrop := len(args) == 7
	inproc := strings.HasPrefix(endpoint, "inproc://")
	defer perfcli.Profile()()
	time.AfterFunc(timeout, func() { perfcli.Die("timed out") })

	pubCtx := zmq.NewContext()
	subCtx := pubCtx
	if !inproc {
		subCtx = zmq.NewContext()
	}
	pub, err := pubCtx.NewSocket(zmq.PUB, zmq.WithSendHWM(hwm), zmq.WithLinger(0), zmq.WithXPubNoDrop(nodrop))
	if err != nil {
		perfcli.Die("socket: %v", err)
	}
	if err := pub.Bind(endpoint); err != nil {
		perfcli.Die("bind: %v", err)
	}
	last := pub.LastEndpoint()

	bodyA := make([]byte, size)
	for i := range bodyA {
		bodyA[i] = 'x'
	}
	bodyB := append([]byte(nil), bodyA...)
	bodyA[0], bodyB[0] = 'A', 'B'
	bodyA[1], bodyB[1] = 'D', 'D'
	msgA, msgB := zmq.NewMsg(bodyA), zmq.NewMsg(bodyB)

	var ready, done atomic.Int32
	var wg sync.WaitGroup
	subs := make([]sub, n)
	ctx := context.Background()
	for i := range subs {
		sb := &subs[i]
		wg.Add(1)
		go func() {
			defer wg.Done()
			s, err := subCtx.NewSocket(zmq.SUB, zmq.WithRecvHWM(hwm))
			if err != nil {
				perfcli.Die("socket: %v", err)
			}
			topic := ""
			if half {
				topic = "A"
			}
			if err := s.Subscribe(topic); err != nil {
				perfcli.Die("subscribe: %v", err)
			}
			if err := s.Connect(last); err != nil {
				perfcli.Die("connect: %v", err)
			}
			for !sb.ended {
				m, err := s.Recv(ctx)
				if err != nil {
					perfcli.Die("recv: %v", err)
				}
				d := m.Bytes()
				if len(m.Frames) != 1 || len(d) < 2 {
					perfcli.Die("short message received")
				}
				switch d[1] {
				case 'D':
					if sb.received == 0 {
						sb.first = time.Now()
					}
					sb.received++
					if len(d) != size {
						perfcli.Die("message of incorrect size received")
					}
				case 'H':
					if !sb.ready {
						sb.ready = true
						ready.Add(1)
					}
				case 'E':
					sb.end = time.Now()
					sb.ended = true
				}
			}
			done.Add(1)
			if err := s.Close(); err != nil {
				perfcli.Die("close: %v", err)
			}
		}()
	}

	// Control messages are sent without waiting; a full pipe drops them,
	// and they are sent again.
	control := func(kind byte) {
		if err := pub.Send(ctx, zmq.NewMsg([]byte{'A', kind})); err != nil && !errors.Is(err, zmq.ErrAgain) {
			perfcli.Die("send: %v", err)
		}
	}
	if err := pub.SetOptions(zmq.WithSendTimeout(0)); err != nil {
		perfcli.Die("options: %v", err)
	}
	for ready.Load() < int32(n) {
		control('H')
		time.Sleep(time.Millisecond)
	}
	if err := pub.SetOptions(zmq.WithSendTimeout(-1)); err != nil {
		perfcli.Die("options: %v", err)
	}

	start := time.Now()
	for i := 0; i < count; i++ {
		m := msgA
		if half && i&1 == 1 {
			m = msgB
		}
		if err := pub.Send(ctx, m); err != nil {
			perfcli.Die("send: %v", err)
		}
	}
	sent := time.Now()

	if err := pub.SetOptions(zmq.WithSendTimeout(0)); err != nil {
		perfcli.Die("options: %v", err)
	}
	for {
		control('E')
		if done.Load() >= int32(n) {
			break
		}
		time.Sleep(100 * time.Microsecond)
	}
	wg.Wait()

	expected := int64(count)
	if half {
		expected = int64(count+1) / 2
	}
	tr := "tcp"
	if inproc {
		tr = "inproc"
	}
	fmt.Printf("transport: %s\n", tr)
	fmt.Printf("subscribers: %d\n", n)
	fmt.Printf("message size: %d [B]\n", size)
	fmt.Printf("message count: %d\n", count)
	fmt.Printf("filter: %s\n", filter)
	fmt.Printf("expected per subscriber: %d\n", expected)
	fmt.Printf("send throughput: %.0f [msg/s]\n", perfcli.Rate(int64(count), sent.Sub(start)))
	var first, end time.Time
	var total, dropped int64
	var mean float64
	for i := range subs {
		sb := &subs[i]
		thr := 0.0
		if sb.received > 0 {
			thr = perfcli.Rate(sb.received, sb.end.Sub(sb.first))
			if first.IsZero() || sb.first.Before(first) {
				first = sb.first
			}
		}
		if sb.end.After(end) {
			end = sb.end
		}
		total += sb.received
		dropped += expected - sb.received
		mean += thr / float64(n)
		fmt.Printf("subscriber %d: received %d dropped %d throughput %.0f [msg/s]\n",
			i, sb.received, expected-sb.received, thr)
	}
	fmt.Printf("mean throughput per subscriber: %.0f [msg/s]\n", mean)
	totalThr := 0.0
	if !first.IsZero() {
		totalThr = perfcli.Rate(total, end.Sub(first))
	}
	fmt.Printf("total throughput: %.0f [msg/s]\n", totalThr)
	fmt.Printf("dropped: %d [msg] (%.2f%%)\n", dropped, 100*float64(dropped)/(float64(expected)*float64(n)))

	if err := pub.Close(); err != nil {
		perfcli.Die("close: %v", err)
	}
	if subCtx != pubCtx {
		subCtx.Close()
	}
	pubCtx.Close()
}
