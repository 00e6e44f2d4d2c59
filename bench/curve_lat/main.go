// Command curve_lat is CURVE latency over purezmq: a REQ CURVE client (the
// main goroutine) makes roundtrip-count round trips of message-size bytes
// to a REP CURVE server echoing them (a goroutine) over tcp loopback, each
// socket in a context of its own. bench/c/curve_lat.c is the same program
// over libzmq: the arguments and result lines are identical, so
// bench/curve.sh parses both alike.
//
//	curve_lat <message-size> <roundtrip-count>
//
// One round trip before the clock starts completes the handshake. Latency
// is half the mean round trip, as libzmq reports it.
package main

import (
	"context"
	"fmt"
	"time"

	"github.com/purezmq/zmq"
	"github.com/purezmq/zmq/bench/internal/perfcli"
)

const usage = "curve_lat <message-size> <roundtrip-count>"

const timeout = 300 * time.Second

func main() {
	args := perfcli.Args(usage, 2)
	size := perfcli.Number(args[0], 0, usage)
	count := perfcli.Number(args[1], 1, usage)
	time.AfterFunc(timeout, func() { perfcli.Die("timed out") })

	keys := perfcli.NewCurveKeys()

	serverCtx, clientCtx := zmq.NewContext(), zmq.NewContext()
	rep, err := serverCtx.NewSocket(zmq.REP, keys.Server())
	if err != nil {
		perfcli.Die("socket: %v", err)
	}
	if err := rep.Bind("tcp://127.0.0.1:*"); err != nil {
		perfcli.Die("bind: %v", err)
	}
	req, err := clientCtx.NewSocket(zmq.REQ, keys.Client())
	if err != nil {
		perfcli.Die("socket: %v", err)
	}
	if err := req.Connect(rep.LastEndpoint()); err != nil {
		perfcli.Die("connect: %v", err)
	}

	ctx := context.Background()
	recvSized := func(s *zmq.Socket) zmq.Msg {
		m, err := s.Recv(ctx)
		if err != nil {
			perfcli.Die("recv: %v", err)
		}
		if len(m.Frames) != 1 || len(m.Frames[0]) != size {
			perfcli.Die("message of incorrect size received")
		}
		return m
	}
	echoed := make(chan struct{})
	go func() {
		defer close(echoed)
		for i := 0; i <= count; i++ { // one more: the warm-up round trip
			if err := rep.Send(ctx, recvSized(rep)); err != nil {
				perfcli.Die("send: %v", err)
			}
		}
	}()

	msg := zmq.NewMsg(make([]byte, size))
	if err := req.Send(ctx, msg); err != nil {
		perfcli.Die("send: %v", err)
	}
	msg = recvSized(req)

	start := time.Now()
	for i := 0; i < count; i++ {
		if err := req.Send(ctx, msg); err != nil {
			perfcli.Die("send: %v", err)
		}
		msg = recvSized(req)
	}
	elapsed := time.Since(start)
	<-echoed

	if err := req.Close(); err != nil {
		perfcli.Die("close: %v", err)
	}
	if err := rep.Close(); err != nil {
		perfcli.Die("close: %v", err)
	}
	clientCtx.Close()
	serverCtx.Close()

	fmt.Printf("message size: %d [B]\n", size)
	fmt.Printf("roundtrip count: %d\n", count)
	fmt.Printf("average latency: %.3f [us]\n", float64(elapsed.Microseconds())/(float64(count)*2))
}
