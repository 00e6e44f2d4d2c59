// Command router_thr is ROUTER/DEALER over purezmq, in two modes.
// bench/c/router_thr.c is the same program over libzmq: the arguments and
// result lines are identical, so bench/patterns.sh parses both alike.
//
//	router_thr rtt <endpoint> <dealers> <message-size> <roundtrips>
//
// A ROUTER echo server (a goroutine) and dealers DEALERs, each in a
// goroutine of its own, each making roundtrips round trips one after the
// other. Reports round trips per second over all dealers, and the mean round
// trip of a dealer.
//
//	router_thr fanout <endpoint> <dealers> <message-size> <message-count>
//
// A ROUTER (the main goroutine) sends message-count messages by routing id
// to the DEALERs in turn, each in a goroutine counting what arrives.
// WithRouterMandatory makes the ROUTER wait for a full peer instead of
// dropping, so every message arrives. Reports messages per second from the
// first send to the last message received.
//
// endpoint is tcp://127.0.0.1:* (port chosen by the ROUTER) or
// inproc://name; over tcp the ROUTER and the DEALERs have separate contexts,
// as in the C program. HWMs are libzmq's default, 1000.
//
// CPUPROFILE=file writes a CPU profile of the run, for go tool pprof.
package main

import (
	"context"
	"fmt"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/purezmq/zmq"
	"github.com/purezmq/zmq/bench/internal/perfcli"
)

const usage = "router_thr rtt|fanout <endpoint> <dealers> <message-size> <count>"

const hwm = 1000

func recvSized(ctx context.Context, s *zmq.Socket, size int) {
	m, err := s.Recv(ctx)
	if err != nil {
		perfcli.Die("recv: %v", err)
	}
	if len(m.Frames) != 1 || len(m.Frames[0]) != size {
		perfcli.Die("message of incorrect size received")
	}
}

func main() {
	args := os.Args[1:]
	if len(args) != 5 || args[0] != "rtt" && args[0] != "fanout" {
		fmt.Printf("usage: %s\n", usage)
		os.Exit(1)
	}
	mode := args[0]
	rtt := mode == "rtt"
	n := perfcli.Number(args[2], 1, usage)
	size := perfcli.Number(args[3], 0, usage)
	count := perfcli.Number(args[4], 1, usage)
	if !rtt && count < n {
		perfcli.Die("fewer messages than dealers")
	}
	inproc := strings.HasPrefix(args[1], "inproc://")
	defer perfcli.Profile()()
	time.AfterFunc(120*time.Second, func() { perfcli.Die("timed out") })

	routerCtx := zmq.NewContext()
	dealerCtx := routerCtx
	if !inproc {
		dealerCtx = zmq.NewContext()
	}
	router, err := routerCtx.NewSocket(zmq.ROUTER, zmq.WithLinger(0),
		zmq.WithSendHWM(hwm), zmq.WithRecvHWM(hwm), zmq.WithRouterMandatory(!rtt))
	if err != nil {
		perfcli.Die("socket: %v", err)
	}
	if err := router.Bind(args[1]); err != nil {
		perfcli.Die("bind: %v", err)
	}
	endpoint := router.LastEndpoint()
	ctx := context.Background()
	dealer := func(i int, named bool) *zmq.Socket {
		opts := []zmq.Option{zmq.WithSendHWM(hwm), zmq.WithRecvHWM(hwm)}
		if named {
			opts = append(opts, zmq.WithRoutingID(fmt.Appendf(nil, "d%05d", i)))
		}
		s, err := dealerCtx.NewSocket(zmq.DEALER, opts...)
		if err != nil {
			perfcli.Die("socket: %v", err)
		}
		if err := s.Connect(endpoint); err != nil {
			perfcli.Die("connect: %v", err)
		}
		return s
	}

	tr := "tcp"
	if inproc {
		tr = "inproc"
	}
	fmt.Printf("mode: %s\n", mode)
	fmt.Printf("transport: %s\n", tr)
	fmt.Printf("dealers: %d\n", n)
	fmt.Printf("message size: %d [B]\n", size)

	ends := make([]time.Time, n)
	var wg sync.WaitGroup
	if rtt {
		go func() { // echoes exactly every message the dealers send
			for i := 0; i < n*(count+1); i++ {
				m, err := router.Recv(ctx)
				if err != nil {
					perfcli.Die("recv: %v", err)
				}
				if err := router.Send(ctx, m); err != nil {
					perfcli.Die("send: %v", err)
				}
			}
		}()
		elapsed := make([]time.Duration, n)
		var up sync.WaitGroup // every dealer has made one round trip
		up.Add(n)
		startc := make(chan struct{})
		for i := 0; i < n; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				s := dealer(i, false)
				msg := zmq.NewMsg(make([]byte, size))
				if err := s.Send(ctx, msg); err != nil {
					perfcli.Die("send: %v", err)
				}
				recvSized(ctx, s, size)
				up.Done()
				<-startc
				start := time.Now()
				for j := 0; j < count; j++ {
					if err := s.Send(ctx, msg); err != nil {
						perfcli.Die("send: %v", err)
					}
					recvSized(ctx, s, size)
				}
				ends[i] = time.Now()
				elapsed[i] = ends[i].Sub(start)
				if err := s.Close(); err != nil {
					perfcli.Die("close: %v", err)
				}
			}()
		}
		up.Wait()
		start := time.Now()
		close(startc)
		wg.Wait()
		var end time.Time
		var mean float64
		for i := range ends {
			if ends[i].After(end) {
				end = ends[i]
			}
			mean += float64(elapsed[i].Microseconds()) / float64(count) / float64(n)
		}
		fmt.Printf("roundtrips per dealer: %d\n", count)
		fmt.Printf("round trips: %d\n", n*count)
		fmt.Printf("throughput: %.0f [roundtrips/s]\n", perfcli.Rate(int64(n*count), end.Sub(start)))
		fmt.Printf("average round trip: %.3f [us]\n", mean)
	} else {
		per := count / n
		for i := 0; i < n; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				s := dealer(i, true)
				if err := s.Send(ctx, zmq.NewMsgString("h")); err != nil {
					perfcli.Die("send: %v", err)
				}
				for j := 0; j < per; j++ {
					recvSized(ctx, s, size)
				}
				ends[i] = time.Now()
				if err := s.Close(); err != nil {
					perfcli.Die("close: %v", err)
				}
			}()
		}
		for i := 0; i < n; i++ { // every dealer is connected and known by id
			if _, err := router.Recv(ctx); err != nil {
				perfcli.Die("recv: %v", err)
			}
		}
		body := make([]byte, size)
		msgs := make([]zmq.Msg, n)
		for i := range msgs {
			msgs[i] = zmq.NewMsg(fmt.Appendf(nil, "d%05d", i), body)
		}
		total := per * n
		start := time.Now()
		for i := 0; i < total; i++ {
			if err := router.Send(ctx, msgs[i%n]); err != nil {
				perfcli.Die("send: %v", err)
			}
		}
		sent := time.Now()
		wg.Wait()
		var end time.Time
		for _, e := range ends {
			if e.After(end) {
				end = e
			}
		}
		fmt.Printf("message count: %d\n", total)
		fmt.Printf("send throughput: %.0f [msg/s]\n", perfcli.Rate(int64(total), sent.Sub(start)))
		fmt.Printf("throughput: %.0f [msg/s]\n", perfcli.Rate(int64(total), end.Sub(start)))
	}

	if err := router.Close(); err != nil {
		perfcli.Die("close: %v", err)
	}
	if dealerCtx != routerCtx {
		dealerCtx.Close()
	}
	routerCtx.Close()
}
