package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/purezmq/zmq"
)

func init() {
	commands["perf"] = command{"libzmq's throughput and latency tools", runPerf}
}

const perfHelp = `
usage: zmq perf local_thr  ENDPOINT SIZE COUNT   bind PULL, receive and report throughput
       zmq perf remote_thr ENDPOINT SIZE COUNT   connect PUSH and send
       zmq perf local_lat  ENDPOINT SIZE COUNT   bind REP and echo
       zmq perf remote_lat ENDPOINT SIZE COUNT   connect REQ, time round trips, report latency
       zmq perf inproc_thr SIZE COUNT            both throughput sides over inproc
       zmq perf inproc_lat SIZE COUNT            both latency sides over inproc

The arguments and result lines are those of libzmq's perf/ programs, so the
two can be paired in either role and their figures compared. As in libzmq,
throughput is timed from the first message received.

example:
  zmq perf local_thr tcp://127.0.0.1:5555 100 1000000 &
  zmq perf remote_thr tcp://127.0.0.1:5555 100 1000000
`

// perfHWM is libzmq's default high-water mark, set explicitly so the figures
// stay comparable whatever our own defaults become.
const perfHWM = 1000

// perfTool is one of the perf programs; endpoint is "" for inproc ones.
type perfTool struct {
	remote bool // takes an ENDPOINT argument
	run    func(ctx context.Context, w io.Writer, endpoint string, size, count int) error
}

var perfTools = map[string]perfTool{
	"local_thr":  {true, localThr},
	"remote_thr": {true, remoteThr},
	"local_lat":  {true, localLat},
	"remote_lat": {true, remoteLat},
	"inproc_thr": {false, inprocThr},
	"inproc_lat": {false, inprocLat},
}

func runPerf(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "perf", perfHelp)
	args, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(args) == 0 {
		return usagef("which tool? local_thr, remote_thr, local_lat, remote_lat, inproc_thr or inproc_lat")
	}
	tool, ok := perfTools[args[0]]
	if !ok {
		return usagef("unknown tool %q", args[0])
	}
	endpoint, size, count, err := perfArgs(args[0], tool.remote, args[1:])
	if err != nil {
		return err
	}
	p := newProgress(e.stderr, args[0], count)
	err = tool.run(withProgress(ctx, p), e.stdout, endpoint, size, count)
	p.stop()
	return checkSocketErr(err)
}

// perfArgs checks the arguments the way libzmq's tools would want them.
func perfArgs(name string, remote bool, args []string) (endpoint string, size, count int, err error) {
	want := 2
	usage := name + " SIZE COUNT"
	if remote {
		want, usage = 3, name+" ENDPOINT SIZE COUNT"
	}
	if len(args) != want {
		return "", 0, 0, usagef("usage: zmq perf %s", usage)
	}
	if remote {
		endpoint, args = args[0], args[1:]
	}
	if size, err = positiveInt("message size", args[0], 0); err != nil {
		return "", 0, 0, err
	}
	if count, err = positiveInt("message count", args[1], 1); err != nil {
		return "", 0, 0, err
	}
	return endpoint, size, count, nil
}

func localThr(ctx context.Context, w io.Writer, endpoint string, size, count int) error {
	s, err := zmq.NewSocket(zmq.PULL, zmq.WithRecvHWM(perfHWM))
	if err != nil {
		return err
	}
	defer s.Close()
	if err := s.Bind(endpoint); err != nil {
		return err
	}
	elapsed, err := receiveTimed(ctx, s, size, count)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "message size: %d [B]\n", size)
	fmt.Fprintf(w, "message count: %d\n", count)
	printThroughput(w, size, count, elapsed)
	return nil
}

// receiveTimed receives count messages of size bytes, timing from the
// first so connection set-up and the sender's start are not measured.
func receiveTimed(ctx context.Context, s *zmq.Socket, size, count int) (time.Duration, error) {
	p := progressFrom(ctx)
	if err := recvSized(ctx, s, size); err != nil {
		return 0, err
	}
	start := time.Now()
	for i := 1; i < count; i++ {
		if err := recvSized(ctx, s, size); err != nil {
			return 0, err
		}
		p.step()
	}
	return time.Since(start), nil
}

func recvSized(ctx context.Context, s *zmq.Socket, size int) error {
	m, err := s.Recv(ctx)
	if err != nil {
		return err
	}
	if len(m.Frames) != 1 || len(m.Frames[0]) != size {
		return fmt.Errorf("message of incorrect size received")
	}
	// libzmq's local_thr closes each message, freeing its buffer for the
	// next; Release is the same hand-back.
	m.Release()
	return nil
}

func remoteThr(ctx context.Context, _ io.Writer, endpoint string, size, count int) error {
	s, err := zmq.NewSocket(zmq.PUSH, zmq.WithSendHWM(perfHWM))
	if err != nil {
		return err
	}
	if err := s.Connect(endpoint); err != nil {
		s.Close()
		return err
	}
	err = sendN(ctx, s, size, count)
	// Close lingers until every queued message has gone, as libzmq's
	// zmq_ctx_term does; without that the tail of the run would be lost.
	if cerr := s.Close(); err == nil {
		err = cerr
	}
	return err
}

// sendN sends count messages of size bytes, all sharing one payload:
// the library lets an unmodified buffer be sent any number of times, which
// spares the allocation libzmq's remote_thr makes per message.
func sendN(ctx context.Context, s *zmq.Socket, size, count int) error {
	m := zmq.NewMsg(make([]byte, size))
	p := progressFrom(ctx)
	for i := 0; i < count; i++ {
		if err := s.Send(ctx, m); err != nil {
			return err
		}
		p.step()
	}
	return nil
}

func localLat(ctx context.Context, _ io.Writer, endpoint string, size, count int) error {
	s, err := zmq.NewSocket(zmq.REP, zmq.WithSendHWM(perfHWM), zmq.WithRecvHWM(perfHWM))
	if err != nil {
		return err
	}
	defer s.Close()
	if err := s.Bind(endpoint); err != nil {
		return err
	}
	return echoN(ctx, s, size, count)
}

// echoN sends back each of count requests of size bytes.
func echoN(ctx context.Context, s *zmq.Socket, size, count int) error {
	for i := 0; i < count; i++ {
		m, err := s.Recv(ctx)
		if err != nil {
			return err
		}
		if len(m.Frames) != 1 || len(m.Frames[0]) != size {
			return fmt.Errorf("message of incorrect size received")
		}
		if err := s.Send(ctx, m); err != nil {
			return err
		}
	}
	return nil
}

func remoteLat(ctx context.Context, w io.Writer, endpoint string, size, count int) error {
	s, err := zmq.NewSocket(zmq.REQ, zmq.WithSendHWM(perfHWM), zmq.WithRecvHWM(perfHWM))
	if err != nil {
		return err
	}
	defer s.Close()
	if err := s.Connect(endpoint); err != nil {
		return err
	}
	// Connection set-up falls inside the timing, as in libzmq.
	start := time.Now()
	if err := roundTrips(ctx, s, size, count); err != nil {
		return err
	}
	elapsed := time.Since(start)
	fmt.Fprintf(w, "message size: %d [B]\n", size)
	fmt.Fprintf(w, "roundtrip count: %d\n", count)
	printLatency(w, count, elapsed)
	return nil
}

func roundTrips(ctx context.Context, s *zmq.Socket, size, count int) error {
	m := zmq.NewMsg(make([]byte, size))
	p := progressFrom(ctx)
	for i := 0; i < count; i++ {
		if err := s.Send(ctx, m); err != nil {
			return err
		}
		if err := recvSized(ctx, s, size); err != nil {
			return err
		}
		p.step()
	}
	return nil
}

func inprocThr(ctx context.Context, w io.Writer, _ string, size, count int) error {
	zctx := zmq.NewContext()
	defer zctx.Close()
	s, err := zctx.NewSocket(zmq.PULL, zmq.WithRecvHWM(perfHWM))
	if err != nil {
		return err
	}
	// Bound before the sender starts, so its connect cannot race it.
	if err := s.Bind("inproc://thr_test"); err != nil {
		return err
	}
	// The receiving side alone counts progress.
	sent := goErr(func() error { return inprocSender(withProgress(ctx, nil), zctx, size, count) })
	// libzmq's inproc_thr prints these two before measuring.
	fmt.Fprintf(w, "message size: %d [B]\n", size)
	fmt.Fprintf(w, "message count: %d\n", count)
	elapsed, err := receiveTimed(ctx, s, size, count)
	if err != nil {
		return err
	}
	if err := <-sent; err != nil {
		return err
	}
	printThroughput(w, size, count, elapsed)
	return nil
}

func inprocSender(ctx context.Context, zctx *zmq.Context, size, count int) error {
	s, err := zctx.NewSocket(zmq.PUSH, zmq.WithSendHWM(perfHWM))
	if err != nil {
		return err
	}
	defer s.Close()
	if err := s.Connect("inproc://thr_test"); err != nil {
		return err
	}
	return sendN(ctx, s, size, count)
}

func inprocLat(ctx context.Context, w io.Writer, _ string, size, count int) error {
	zctx := zmq.NewContext()
	defer zctx.Close()
	s, err := zctx.NewSocket(zmq.REQ, zmq.WithSendHWM(perfHWM), zmq.WithRecvHWM(perfHWM))
	if err != nil {
		return err
	}
	if err := s.Bind("inproc://lat_test"); err != nil {
		return err
	}
	echoed := goErr(func() error { return inprocEchoer(ctx, zctx, size, count) })
	fmt.Fprintf(w, "message size: %d [B]\n", size)
	fmt.Fprintf(w, "roundtrip count: %d\n", count)
	start := time.Now()
	if err := roundTrips(ctx, s, size, count); err != nil {
		return err
	}
	elapsed := time.Since(start)
	if err := <-echoed; err != nil {
		return err
	}
	printLatency(w, count, elapsed)
	return nil
}

func inprocEchoer(ctx context.Context, zctx *zmq.Context, size, count int) error {
	s, err := zctx.NewSocket(zmq.REP, zmq.WithSendHWM(perfHWM), zmq.WithRecvHWM(perfHWM))
	if err != nil {
		return err
	}
	defer s.Close()
	if err := s.Connect("inproc://lat_test"); err != nil {
		return err
	}
	return echoN(ctx, s, size, count)
}

// goErr runs f in a goroutine and delivers its error.
func goErr(f func() error) <-chan error {
	ch := make(chan error, 1)
	go func() { ch <- f() }()
	return ch
}

// printThroughput computes the figures as libzmq does, integer truncation
// included (whole microseconds, msg/s truncated before the Mb/s), so that
// ours and theirs compare like for like.
func printThroughput(w io.Writer, size, count int, elapsed time.Duration) {
	us := elapsed.Microseconds()
	if us == 0 {
		us = 1
	}
	throughput := uint64(float64(count) / float64(us) * 1000000)
	megabits := float64(throughput*uint64(size)*8) / 1000000
	fmt.Fprintf(w, "mean throughput: %d [msg/s]\n", throughput)
	fmt.Fprintf(w, "mean throughput: %.3f [Mb/s]\n", megabits)
}

// printLatency reports half the mean round trip, as libzmq does.
func printLatency(w io.Writer, count int, elapsed time.Duration) {
	fmt.Fprintf(w, "average latency: %.3f [us]\n", float64(elapsed.Microseconds())/(float64(count)*2))
}
