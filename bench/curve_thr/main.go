// Command curve_thr is CURVE throughput over purezmq: a PULL CURVE server
// (the main goroutine) receives message-count messages of message-size
// bytes from a PUSH CURVE client (a goroutine) over tcp loopback, each
// socket in a context of its own. bench/c/curve_thr.c is the same program
// over libzmq: the arguments and result lines are identical, so
// bench/curve.sh parses both alike.
//
//	curve_thr <message-size> <message-count>
//
// The clock starts at the first message, so the handshake is not measured.
// Each received message is released, as libzmq's local_thr closes it.
//
// CPUPROFILE=file writes a CPU profile of the run, for go tool pprof.
package main

import (
	"context"
	"fmt"
	"time"

	"github.com/purezmq/zmq"
	"github.com/purezmq/zmq/bench/internal/perfcli"
)

const usage = "curve_thr <message-size> <message-count>"

const timeout = 300 * time.Second

func main() {
	args := perfcli.Args(usage, 2)
	size := perfcli.Number(args[0], 0, usage)
	count := perfcli.Number(args[1], 1, usage)
	defer perfcli.Profile()()
	time.AfterFunc(timeout, func() { perfcli.Die("timed out") })

	keys := perfcli.NewCurveKeys()

	recvCtx, sendCtx := zmq.NewContext(), zmq.NewContext()
	pull, err := recvCtx.NewSocket(zmq.PULL, keys.Server())
	if err != nil {
		perfcli.Die("socket: %v", err)
	}
	if err := pull.Bind("tcp://127.0.0.1:*"); err != nil {
		perfcli.Die("bind: %v", err)
	}
	endpoint := pull.LastEndpoint()

	ctx := context.Background()
	sent := make(chan struct{})
	go func() {
		defer close(sent)
		push, err := sendCtx.NewSocket(zmq.PUSH, keys.Client())
		if err != nil {
			perfcli.Die("socket: %v", err)
		}
		if err := push.Connect(endpoint); err != nil {
			perfcli.Die("connect: %v", err)
		}
		// libzmq's remote_thr makes a message per send; ours may send one
		// unmodified buffer any number of times.
		m := zmq.NewMsg(make([]byte, size))
		for i := 0; i < count; i++ {
			if err := push.Send(ctx, m); err != nil {
				perfcli.Die("send: %v", err)
			}
		}
		// Close lingers until everything is on its way, as zmq_ctx_term.
		if err := push.Close(); err != nil {
			perfcli.Die("close: %v", err)
		}
	}()

	recv := func() {
		m, err := pull.Recv(ctx)
		if err != nil {
			perfcli.Die("recv: %v", err)
		}
		if len(m.Frames) != 1 || len(m.Frames[0]) != size {
			perfcli.Die("message of incorrect size received")
		}
		m.Release()
	}
	recv()
	start := time.Now()
	for i := 1; i < count; i++ {
		recv()
	}
	elapsed := time.Since(start)
	<-sent

	if err := pull.Close(); err != nil {
		perfcli.Die("close: %v", err)
	}
	sendCtx.Close()
	recvCtx.Close()

	fmt.Printf("message size: %d [B]\n", size)
	fmt.Printf("message count: %d\n", count)
	printThroughput(size, count, elapsed)
}

// printThroughput computes as perf.h does (after libzmq's local_thr): the
// count includes the first message although the clock starts at it, and
// megabits come from the truncated msg/s.
func printThroughput(size, count int, elapsed time.Duration) {
	us := elapsed.Microseconds()
	if us == 0 {
		us = 1
	}
	thr := uint64(float64(count) / float64(us) * 1e6)
	mbits := float64(thr*uint64(size)*8) / 1e6
	fmt.Printf("mean throughput: %d [msg/s]\n", thr)
	fmt.Printf("mean throughput: %.3f [Mb/s]\n", mbits)
}
