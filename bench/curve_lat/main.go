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
	"os"
	"strconv"
	"time"

	"github.com/purezmq/zmq"
)

const usage = "curve_lat <message-size> <roundtrip-count>"

const timeout = 300 * time.Second

func die(format string, args ...any) {
	fmt.Fprintf(os.Stderr, format+"\n", args...)
	os.Exit(1)
}

// number refuses what is not an integer in [min, MaxInt32], as perf.h does.
func number(arg string, min int) int {
	v, err := strconv.Atoi(arg)
	if err != nil || v < min || v > 1<<31-1 {
		fmt.Fprintf(os.Stderr, "invalid number %s (want %d..%d)\n", arg, min, 1<<31-1)
		fmt.Printf("usage: %s\n", usage)
		os.Exit(1)
	}
	return v
}

func main() {
	if len(os.Args) != 3 {
		fmt.Printf("usage: %s\n", usage)
		os.Exit(1)
	}
	size := number(os.Args[1], 0)
	count := number(os.Args[2], 1)
	time.AfterFunc(timeout, func() { die("timed out") })

	serverPub, serverSec, err := zmq.NewCurveKeyPair()
	if err != nil {
		die("keypair: %v", err)
	}
	clientPub, clientSec, err := zmq.NewCurveKeyPair()
	if err != nil {
		die("keypair: %v", err)
	}

	serverCtx, clientCtx := zmq.NewContext(), zmq.NewContext()
	rep, err := serverCtx.NewSocket(zmq.REP, zmq.WithCurveServer(serverSec))
	if err != nil {
		die("socket: %v", err)
	}
	if err := rep.Bind("tcp://127.0.0.1:*"); err != nil {
		die("bind: %v", err)
	}
	req, err := clientCtx.NewSocket(zmq.REQ, zmq.WithCurveClient(serverPub, clientPub, clientSec))
	if err != nil {
		die("socket: %v", err)
	}
	if err := req.Connect(rep.LastEndpoint()); err != nil {
		die("connect: %v", err)
	}

	ctx := context.Background()
	recvSized := func(s *zmq.Socket) zmq.Msg {
		m, err := s.Recv(ctx)
		if err != nil {
			die("recv: %v", err)
		}
		if len(m.Frames) != 1 || len(m.Frames[0]) != size {
			die("message of incorrect size received")
		}
		return m
	}
	echoed := make(chan struct{})
	go func() {
		defer close(echoed)
		for i := 0; i <= count; i++ { // one more: the warm-up round trip
			if err := rep.Send(ctx, recvSized(rep)); err != nil {
				die("send: %v", err)
			}
		}
	}()

	msg := zmq.NewMsg(make([]byte, size))
	if err := req.Send(ctx, msg); err != nil {
		die("send: %v", err)
	}
	msg = recvSized(req)

	start := time.Now()
	for i := 0; i < count; i++ {
		if err := req.Send(ctx, msg); err != nil {
			die("send: %v", err)
		}
		msg = recvSized(req)
	}
	elapsed := time.Since(start)
	<-echoed

	if err := req.Close(); err != nil {
		die("close: %v", err)
	}
	if err := rep.Close(); err != nil {
		die("close: %v", err)
	}
	clientCtx.Close()
	serverCtx.Close()

	fmt.Printf("message size: %d [B]\n", size)
	fmt.Printf("roundtrip count: %d\n", count)
	fmt.Printf("average latency: %.3f [us]\n", float64(elapsed.Microseconds())/(float64(count)*2))
}
