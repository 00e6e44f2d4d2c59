// Command draft_thr is libzmq's draft socket types over purezmq, in two
// modes. bench/c/draft_thr.c is the same program over libzmq: the arguments
// and result lines are identical, so bench/draft.sh parses both alike.
//
//	draft_thr rtt <endpoint> <message-size> <roundtrips>
//
// A SERVER (a goroutine) echoes each message to the routing id it came
// from; a CLIENT (the main goroutine) makes roundtrips round trips one after
// the other. Reports round trips per second and the mean round trip.
//
//	draft_thr radio <endpoint> <message-size> <message-count>
//
// A RADIO (the main goroutine) sends message-count messages in group
// "bench" to a DISH (a goroutine) that joined it. WithXPubNoDrop makes the
// RADIO wait for room in its queue rather than drop. Over tcp, ipc and
// inproc the RADIO binds, and every message arrives; over udp the DISH binds
// the endpoint given, and what the receiving kernel drops is lost. Reports messages received per second, from the
// first send to the last message received, and how many were received.
//
// endpoint is tcp://127.0.0.1:*, ipc://path, inproc://name or, for radio,
// udp://127.0.0.1:port. Except over inproc the two sides have contexts of
// their own, as in the C program. HWMs are libzmq's default, 1000.
//
// CPUPROFILE=file writes a CPU profile of the run, for go tool pprof.
package main

import (
	"context"
	"fmt"
	"os"
	"strings"
	"sync/atomic"
	"time"

	"github.com/purezmq/zmq"
	"github.com/purezmq/zmq/bench/internal/perfcli"
)

const usage = "draft_thr rtt|radio <endpoint> <message-size> <count>"

func main() {
	args := perfcli.Args(usage, 4)
	mode, endpoint := args[0], args[1]
	size := perfcli.Number(args[2], 0, usage)
	count := perfcli.Number(args[3], 1, usage)
	defer perfcli.Profile()()
	time.AfterFunc(120*time.Second, func() { perfcli.Die("timed out") })
	a := zmq.NewContext()
	b := a
	if !strings.HasPrefix(endpoint, "inproc://") {
		b = zmq.NewContext()
	}
	fmt.Printf("mode: %s\n", mode)
	fmt.Printf("message size: %d [B]\n", size)
	switch mode {
	case "rtt":
		rtt(a, b, endpoint, size, count)
	case "radio":
		radio(a, b, endpoint, size, count)
	default:
		fmt.Printf("usage: %s\n", usage)
		os.Exit(1)
	}
	b.Close()
	a.Close()
}

func socket(c *zmq.Context, t zmq.Type, opts ...zmq.Option) *zmq.Socket {
	s, err := c.NewSocket(t, append([]zmq.Option{zmq.WithLinger(0)}, opts...)...)
	if err != nil {
		perfcli.Die("socket: %v", err)
	}
	return s
}

func rtt(a, b *zmq.Context, endpoint string, size, count int) {
	ctx := context.Background()
	server := socket(a, zmq.SERVER)
	if err := server.Bind(endpoint); err != nil {
		perfcli.Die("bind: %v", err)
	}
	go func() {
		for i := 0; i <= count; i++ {
			m, err := server.Recv(ctx)
			if err != nil {
				perfcli.Die("recv: %v", err)
			}
			// The message keeps the routing id it came with.
			if err := server.Send(ctx, m); err != nil {
				perfcli.Die("send: %v", err)
			}
		}
	}()
	client := socket(b, zmq.CLIENT)
	if err := client.Connect(server.LastEndpoint()); err != nil {
		perfcli.Die("connect: %v", err)
	}
	msg := zmq.NewMsg(make([]byte, size))
	roundTrip := func() {
		if err := client.Send(ctx, msg); err != nil {
			perfcli.Die("send: %v", err)
		}
		m, err := client.Recv(ctx)
		if err != nil {
			perfcli.Die("recv: %v", err)
		}
		if len(m.Frames) != 1 || len(m.Frames[0]) != size {
			perfcli.Die("message of incorrect size received")
		}
		m.Release()
	}
	roundTrip() // before the clock starts: the connection is up
	start := time.Now()
	for i := 0; i < count; i++ {
		roundTrip()
	}
	elapsed := time.Since(start)
	fmt.Printf("round trips per second: %d\n", int(perfcli.Rate(int64(count), elapsed)))
	fmt.Printf("mean round trip: %.3f [us]\n", float64(elapsed.Microseconds())/float64(count))
	client.Close()
	server.Close()
}

func inGroup(group string, body []byte) zmq.Msg {
	m := zmq.NewMsg(body)
	m.Group = group
	return m
}

func radio(a, b *zmq.Context, endpoint string, size, count int) {
	ctx := context.Background()
	udp := strings.HasPrefix(endpoint, "udp://")
	r := socket(a, zmq.RADIO, zmq.WithXPubNoDrop(true))
	d := socket(b, zmq.DISH)
	for _, g := range []string{"bench", "ctl"} {
		if err := d.Join(g); err != nil {
			perfcli.Die("join: %v", err)
		}
	}
	if udp {
		if err := d.Bind(endpoint); err != nil {
			perfcli.Die("bind: %v", err)
		}
		if err := r.Connect(endpoint); err != nil {
			perfcli.Die("connect: %v", err)
		}
	} else {
		if err := r.Bind(endpoint); err != nil {
			perfcli.Die("bind: %v", err)
		}
		if err := d.Connect(r.LastEndpoint()); err != nil {
			perfcli.Die("connect: %v", err)
		}
	}
	var heard, done atomic.Bool
	var last atomic.Int64
	received := 0
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		for {
			m, err := d.Recv(ctx)
			if err != nil {
				perfcli.Die("recv: %v", err)
			}
			if m.Group == "ctl" {
				if len(m.Bytes()) == 3 { // "end"
					if !udp { // it follows the last message
						last.Store(time.Now().UnixNano())
					}
					break
				}
				heard.Store(true)
				continue
			}
			if len(m.Bytes()) != size {
				perfcli.Die("message of incorrect size received")
			}
			m.Release()
			received++
			if udp { // the end may come late, sent again until heard
				last.Store(time.Now().UnixNano())
			}
		}
		done.Store(true)
	}()
	// Until the DISH hears a probe, its JOIN (or its socket) is not in.
	probe := inGroup("ctl", []byte("probe"))
	for !heard.Load() {
		if err := r.Send(ctx, probe); err != nil {
			perfcli.Die("send: %v", err)
		}
		time.Sleep(time.Millisecond)
	}
	// One message sent again and again: a sent message's frames are only
	// read, and libzmq's small messages (up to 33 bytes) are built with no
	// allocation either.
	msg := inGroup("bench", make([]byte, size))
	start := time.Now()
	for i := 0; i < count; i++ {
		if err := r.Send(ctx, msg); err != nil {
			perfcli.Die("send: %v", err)
		}
	}
	// The end, sent until heard: over udp any datagram may be lost.
	end := inGroup("ctl", []byte("end"))
	for {
		if err := r.Send(ctx, end); err != nil {
			perfcli.Die("send: %v", err)
		}
		if !udp || done.Load() {
			break
		}
		time.Sleep(time.Millisecond)
	}
	<-finished
	elapsed := time.Duration(last.Load() - start.UnixNano())
	if received == 0 {
		elapsed = time.Microsecond
	}
	thr := int(perfcli.Rate(int64(received), elapsed))
	fmt.Printf("messages received: %d\n", received)
	fmt.Printf("mean throughput: %d [msg/s]\n", thr)
	fmt.Printf("mean throughput: %.3f [Mb/s]\n", float64(thr*size*8)/1e6)
	d.Close()
	r.Close()
}
