// Command connscale measures what idle connections cost: memory per
// connection and the time to set them up. bench/c/connscale.c is the same
// program over libzmq, with the same arguments and result lines.
//
//	connscale both <endpoint> <dealers>
//
// One ROUTER and dealers DEALERs in this process, each DEALER connected to
// the ROUTER and making one round trip. Memory is per connection, both ends
// (and the DEALER sockets themselves).
//
//	connscale server <endpoint> <dealers>
//	connscale client <endpoint> <dealers> [first-id]
//
// The ROUTER alone, echoing, until dealers DEALERs (run by client processes)
// have each made a round trip; memory is the ROUTER's end only. A client
// holds its DEALERs connected until its standard input closes; its DEALERs
// are named d<first-id> onwards, so that clients sharing a ROUTER are told
// apart.
//
// The ROUTER's listen backlog is 4,096 and no socket has a handshake timer,
// as in bench/c/connscale.c, which says why.
//
// Memory is the process's resident set (VmRSS) after the round trips, minus
// what it was before the first socket, after a garbage collection; "rss
// returned" is the same after the runtime has returned free memory to the
// kernel (debug.FreeOSMemory), which a long-lived idle server reaches by
// itself within minutes.
//
// HEAPPROFILE=file writes a heap profile of what the connections hold (go
// tool pprof -sample_index=inuse_space); GDUMP=1 prints every goroutine's
// stack once the connections are up.
package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"strconv"
	"strings"
	"time"

	"github.com/purezmq/zmq"
	"github.com/purezmq/zmq/bench/internal/perfcli"
)

// gcs is how many collections settle runs before it reads the resident
// set (GCS, default 3): a goroutine's stack shrinks by half at most once
// per collection, and a long-lived server has had many.
var gcs = envInt("GCS", 3)

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil {
		return v
	}
	return def
}

const usage = "connscale both|server|client <endpoint> <dealers> [first-id]"

const backlog = 4096

func main() {
	args := os.Args[1:]
	if len(args) != 3 && !(len(args) == 4 && args[0] == "client") {
		fmt.Printf("usage: %s\n", usage)
		os.Exit(1)
	}
	n := perfcli.Number(args[2], 1, usage)
	if os.Getenv("HEAPPROFILE") != "" {
		runtime.MemProfileRate = 1
	}
	time.AfterFunc(10*time.Minute, func() { perfcli.Die("timed out") })
	switch args[0] {
	case "both":
		both(args[1], n)
	case "server":
		server(args[1], n)
	case "client":
		first := 0
		if len(args) == 4 {
			first = perfcli.Number(args[3], 0, usage)
		}
		client(args[1], n, first)
	default:
		fmt.Printf("usage: %s\n", usage)
		os.Exit(1)
	}
}

func both(endpoint string, n int) {
	before := settle()
	start := time.Now()
	router, ep := bindRouter(endpoint)
	stop := echo(router)
	dealers := connectDealers(ep, n, 0)
	setup := time.Since(start)
	report(n, setup, before)
	closeAll(dealers)
	router.Close()
	stop()
}

func server(endpoint string, n int) {
	before := settle()
	router, ep := bindRouter(endpoint)
	fmt.Printf("endpoint: %s\n", ep)
	var start time.Time
	seen := map[string]bool{}
	ctx := context.Background()
	for len(seen) < n {
		m, err := router.Recv(ctx)
		if err != nil {
			perfcli.Die("recv: %v", err)
		}
		if len(seen) == 0 {
			start = time.Now()
		}
		seen[string(m.Frames[0])] = true
		if err := router.Send(ctx, m); err != nil {
			perfcli.Die("send: %v", err)
		}
	}
	report(n, time.Since(start), before)
	router.Close()
}

func client(endpoint string, n, first int) {
	dealers := connectDealers(endpoint, n, first)
	fmt.Println("ready")
	_, _ = io.Copy(io.Discard, bufio.NewReader(os.Stdin))
	closeAll(dealers)
}

func bindRouter(endpoint string) (*zmq.Socket, string) {
	router, err := zmq.NewSocket(zmq.ROUTER, zmq.WithLinger(0), zmq.WithHandshakeTimeout(0),
		zmq.WithBacklog(backlog))
	if err != nil {
		perfcli.Die("socket: %v", err)
	}
	if err := router.Bind(endpoint); err != nil {
		perfcli.Die("bind: %v", err)
	}
	return router, router.LastEndpoint()
}

// echo answers every request until the returned function is called.
func echo(router *zmq.Socket) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			m, err := router.Recv(ctx)
			if err != nil {
				return
			}
			if router.Send(ctx, m) != nil {
				return
			}
		}
	}()
	return func() { cancel(); <-done }
}

// connectDealers connects n DEALERs named d<first> onwards and sends a
// request on each, then reads each reply: a DEALER counts as set up once it
// has made its round trip.
func connectDealers(endpoint string, n, first int) []*zmq.Socket {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	dealers := make([]*zmq.Socket, n)
	for i := range dealers {
		d, err := zmq.NewSocket(zmq.DEALER, zmq.WithLinger(0), zmq.WithHandshakeTimeout(0),
			zmq.WithRoutingID([]byte("d"+strconv.Itoa(first+i))))
		if err != nil {
			perfcli.Die("socket: %v", err)
		}
		if err := d.Connect(endpoint); err != nil {
			perfcli.Die("connect: %v", err)
		}
		if err := d.Send(ctx, zmq.NewMsgString("hello")); err != nil {
			perfcli.Die("send: %v", err)
		}
		dealers[i] = d
	}
	for _, d := range dealers {
		if _, err := d.Recv(ctx); err != nil {
			perfcli.Die("recv: %v", err)
		}
	}
	return dealers
}

func closeAll(ss []*zmq.Socket) {
	for _, s := range ss {
		s.Close()
	}
}

func report(n int, setup time.Duration, before int64) {
	after := settle()
	debug.FreeOSMemory()
	returned := rssKiB()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	if os.Getenv("GDUMP") != "" {
		_ = pprof.Lookup("goroutine").WriteTo(os.Stderr, 1)
	}
	if path := os.Getenv("HEAPPROFILE"); path != "" {
		writeHeapProfile(path)
	}
	fmt.Printf("connections: %d\n", n)
	fmt.Printf("setup time [ms]: %.0f\n", float64(setup.Microseconds())/1000)
	fmt.Printf("rss per connection [KiB]: %.1f\n", float64(after-before)/float64(n))
	fmt.Printf("rss returned per connection [KiB]: %.1f\n", float64(returned-before)/float64(n))
	fmt.Printf("heap per connection [KiB]: %.1f\n", float64(ms.HeapInuse)/1024/float64(n))
	fmt.Printf("stacks per connection [KiB]: %.1f\n", float64(ms.StackInuse)/1024/float64(n))
	fmt.Printf("goroutines per connection: %.2f\n", float64(runtime.NumGoroutine())/float64(n))
}

// settle lets a moment of idleness pass, collects garbage, and returns the
// resident set in KiB.
func settle() int64 {
	for i := 0; i < gcs; i++ {
		time.Sleep(100 * time.Millisecond)
		runtime.GC()
	}
	return rssKiB()
}

func rssKiB() int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		perfcli.Die("%v", err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmRSS:" {
			v, _ := strconv.ParseInt(f[1], 10, 64)
			return v
		}
	}
	perfcli.Die("no VmRSS")
	return 0
}

// writeHeapProfile writes what is live now, for go tool pprof.
func writeHeapProfile(path string) {
	f, err := os.Create(path)
	if err != nil {
		perfcli.Die("%v", err)
	}
	defer f.Close()
	if err := pprof.Lookup("heap").WriteTo(f, 0); err != nil {
		perfcli.Die("%v", err)
	}
}
