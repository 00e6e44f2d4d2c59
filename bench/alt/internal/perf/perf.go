// Package perf is libzmq's perf tools (local_thr, remote_thr, local_lat,
// remote_lat, inproc_thr, inproc_lat) written once over a small Lib
// interface, so that each Go ZeroMQ library under bench/alt runs the same
// program. The arguments and result lines are those of bench/c (and of
// libzmq's perf/), which bench/run.sh parses.
package perf

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"time"
)

// Kind is a socket type the tools use.
type Kind int

const (
	Push Kind = iota
	Pull
	Req
	Rep
)

// HWM is libzmq's default high-water mark, set explicitly where a library
// has the option, as bench/c and ours do.
const HWM = 1000

// Socket is what the tools need of a socket: single-frame messages only.
type Socket interface {
	Bind(endpoint string) error
	Connect(endpoint string) error
	Send(body []byte) error
	// Recv returns the body of a one-frame message; a message of several
	// frames is an error.
	Recv() ([]byte, error)
	Close() error
}

// Lib is one ZeroMQ library.
type Lib struct {
	// NewSocket makes a socket; sockets of one process share whatever
	// context the library has, so inproc joins them.
	NewSocket func(Kind) (Socket, error)
	// Term ends the library's context once every socket is closed,
	// waiting for what lingers, as zmq_ctx_term does; nil if none.
	Term func() error
	// SenderPause is how long remote_thr waits after its last send before
	// closing: bench/c/remote_thr.c's pause, for libzmq underneath.
	SenderPause time.Duration
	// NoInproc says why the library cannot run inproc_thr/inproc_lat, or
	// is empty.
	NoInproc string
}

var errSize = errors.New("message of incorrect size received")

type tool struct {
	endpoint bool
	run      func(lib Lib, endpoint string, size, count int) error
	usage    string
}

var tools = map[string]tool{
	"local_thr":  {true, localThr, "local_thr <bind-to> <message-size> <message-count>"},
	"remote_thr": {true, remoteThr, "remote_thr <connect-to> <message-size> <message-count>"},
	"local_lat":  {true, localLat, "local_lat <bind-to> <message-size> <roundtrip-count>"},
	"remote_lat": {true, remoteLat, "remote_lat <connect-to> <message-size> <roundtrip-count>"},
	"inproc_thr": {false, inprocThr, "inproc_thr <message-size> <message-count>"},
	"inproc_lat": {false, inprocLat, "inproc_lat <message-size> <roundtrip-count>"},
}

// Main runs the tool named by the first argument: "PROG TOOL ARGS...".
// Errors go to standard error and exit 1, as bench/c's do; a tool the
// library cannot run exits 2.
func Main(prog string, lib Lib) {
	if len(os.Args) < 2 {
		usage(prog + " local_thr|remote_thr|local_lat|remote_lat|inproc_thr|inproc_lat ...")
	}
	t, ok := tools[os.Args[1]]
	if !ok {
		usage(prog + " local_thr|remote_thr|local_lat|remote_lat|inproc_thr|inproc_lat ...")
	}
	args := os.Args[2:]
	want := 2
	if t.endpoint {
		want = 3
	}
	if len(args) != want {
		usage(t.usage)
	}
	if !t.endpoint && lib.NoInproc != "" {
		fmt.Fprintf(os.Stderr, "%s: %s\n", prog, lib.NoInproc)
		os.Exit(2)
	}
	endpoint := ""
	if t.endpoint {
		endpoint, args = args[0], args[1:]
	}
	size := number(args[0], 0, t.usage)
	count := number(args[1], 1, t.usage)
	if err := t.run(lib, endpoint, size, count); err != nil {
		fmt.Fprintf(os.Stderr, "%s %s: %v\n", prog, os.Args[1], err)
		os.Exit(1)
	}
	if lib.Term != nil {
		if err := lib.Term(); err != nil {
			fmt.Fprintf(os.Stderr, "%s: term: %v\n", prog, err)
			os.Exit(1)
		}
	}
}

func usage(u string) {
	fmt.Printf("usage: %s\n", u)
	os.Exit(1)
}

// number refuses what is not an integer in [min, MaxInt32], as perf.h does.
func number(arg string, min int, u string) int {
	v, err := strconv.Atoi(arg)
	if err != nil || v < min || v > 1<<31-1 {
		fmt.Fprintf(os.Stderr, "invalid number %s (want %d..%d)\n", arg, min, 1<<31-1)
		usage(u)
	}
	return v
}

func open(lib Lib, k Kind, endpoint string, bind bool) (Socket, error) {
	s, err := lib.NewSocket(k)
	if err != nil {
		return nil, fmt.Errorf("socket: %w", err)
	}
	if bind {
		err = s.Bind(endpoint)
	} else {
		err = s.Connect(endpoint)
	}
	if err != nil {
		s.Close()
		return nil, fmt.Errorf("attach %s: %w", endpoint, err)
	}
	return s, nil
}

func recvSized(s Socket, size int) ([]byte, error) {
	b, err := s.Recv()
	if err != nil {
		return nil, err
	}
	if len(b) != size {
		return nil, errSize
	}
	return b, nil
}

// receiveTimed receives count messages, timing from the first so that
// connection set-up and the sender's start are not measured.
func receiveTimed(s Socket, size, count int) (time.Duration, error) {
	if _, err := recvSized(s, size); err != nil {
		return 0, err
	}
	start := time.Now()
	for i := 1; i < count; i++ {
		if _, err := recvSized(s, size); err != nil {
			return 0, err
		}
	}
	return time.Since(start), nil
}

func localThr(lib Lib, endpoint string, size, count int) error {
	s, err := open(lib, Pull, endpoint, true)
	if err != nil {
		return err
	}
	elapsed, err := receiveTimed(s, size, count)
	if err != nil {
		s.Close()
		return err
	}
	fmt.Printf("message size: %d [B]\n", size)
	fmt.Printf("message count: %d\n", count)
	printThroughput(size, count, elapsed)
	return s.Close()
}

func remoteThr(lib Lib, endpoint string, size, count int) error {
	s, err := open(lib, Push, endpoint, false)
	if err != nil {
		return err
	}
	if err := sendN(s, size, count); err != nil {
		s.Close()
		return err
	}
	time.Sleep(lib.SenderPause)
	return s.Close()
}

// sendN sends count messages of size bytes from one buffer: each library
// copies or writes it out before Send returns, as zmq_send does.
func sendN(s Socket, size, count int) error {
	b := make([]byte, size)
	for i := 0; i < count; i++ {
		if err := s.Send(b); err != nil {
			return err
		}
	}
	return nil
}

func localLat(lib Lib, endpoint string, size, count int) error {
	s, err := open(lib, Rep, endpoint, true)
	if err != nil {
		return err
	}
	if err := echoN(s, size, count); err != nil {
		s.Close()
		return err
	}
	return s.Close()
}

func echoN(s Socket, size, count int) error {
	for i := 0; i < count; i++ {
		b, err := recvSized(s, size)
		if err != nil {
			return err
		}
		if err := s.Send(b); err != nil {
			return err
		}
	}
	return nil
}

func remoteLat(lib Lib, endpoint string, size, count int) error {
	s, err := open(lib, Req, endpoint, false)
	if err != nil {
		return err
	}
	start := time.Now()
	if err := roundTrips(s, size, count); err != nil {
		s.Close()
		return err
	}
	elapsed := time.Since(start)
	fmt.Printf("message size: %d [B]\n", size)
	fmt.Printf("roundtrip count: %d\n", count)
	printLatency(count, elapsed)
	return s.Close()
}

func roundTrips(s Socket, size, count int) error {
	b := make([]byte, size)
	for i := 0; i < count; i++ {
		if err := s.Send(b); err != nil {
			return err
		}
		if _, err := recvSized(s, size); err != nil {
			return err
		}
	}
	return nil
}

func inprocThr(lib Lib, _ string, size, count int) error {
	s, err := open(lib, Pull, "inproc://thr_test", true)
	if err != nil {
		return err
	}
	// The sender closes once everything is received: a library whose
	// inproc pipe drops what it holds when its writer closes (go-zeromq's)
	// would otherwise lose the tail; libzmq's close lingers by itself.
	received := make(chan struct{})
	sent := goErr(func() error {
		p, err := open(lib, Push, "inproc://thr_test", false)
		if err != nil {
			return err
		}
		if err := sendN(p, size, count); err != nil {
			p.Close()
			return err
		}
		<-received
		return p.Close()
	})
	fmt.Printf("message size: %d [B]\n", size)
	fmt.Printf("message count: %d\n", count)
	elapsed, err := receiveTimed(s, size, count)
	close(received)
	if err != nil {
		return err
	}
	if err := <-sent; err != nil {
		return err
	}
	if err := s.Close(); err != nil {
		return err
	}
	printThroughput(size, count, elapsed)
	return nil
}

func inprocLat(lib Lib, _ string, size, count int) error {
	s, err := open(lib, Req, "inproc://lat_test", true)
	if err != nil {
		return err
	}
	echoed := goErr(func() error {
		r, err := open(lib, Rep, "inproc://lat_test", false)
		if err != nil {
			return err
		}
		if err := echoN(r, size, count); err != nil {
			r.Close()
			return err
		}
		return r.Close()
	})
	fmt.Printf("message size: %d [B]\n", size)
	fmt.Printf("roundtrip count: %d\n", count)
	start := time.Now()
	if err := roundTrips(s, size, count); err != nil {
		return err
	}
	elapsed := time.Since(start)
	// Closed before the echoer is waited for: a library whose REP cannot
	// tell when its last reply has left waits for its peer to hang up.
	if err := s.Close(); err != nil {
		return err
	}
	if err := <-echoed; err != nil {
		return err
	}
	printLatency(count, elapsed)
	return nil
}

func goErr(f func() error) <-chan error {
	ch := make(chan error, 1)
	go func() { ch <- f() }()
	return ch
}

// printThroughput computes the figures as perf.h does, truncations
// included, so that every column compares like for like.
func printThroughput(size, count int, elapsed time.Duration) {
	us := elapsed.Microseconds()
	if us == 0 {
		us = 1
	}
	throughput := uint64(float64(count) / float64(us) * 1000000)
	megabits := float64(throughput*uint64(size)*8) / 1000000
	fmt.Printf("mean throughput: %d [msg/s]\n", throughput)
	fmt.Printf("mean throughput: %.3f [Mb/s]\n", megabits)
}

// printLatency reports half the mean round trip, as libzmq does.
func printLatency(count int, elapsed time.Duration) {
	fmt.Printf("average latency: %.3f [us]\n", float64(elapsed.Microseconds())/(float64(count)*2))
}
