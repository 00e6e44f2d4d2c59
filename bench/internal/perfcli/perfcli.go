// Package perfcli holds what the Go side of the pattern and CURVE benchmark
// tools share: argument checks, errors, profiling, and rates computed as the
// C tools compute them.
package perfcli

import (
	"fmt"
	"os"
	"runtime/pprof"
	"runtime/trace"
	"strconv"
	"time"

	"github.com/purezmq/zmq"
)

// Die prints a message to standard error and exits 1.
func Die(format string, args ...any) {
	fmt.Fprintf(os.Stderr, format+"\n", args...)
	os.Exit(1)
}

// Number refuses what is not an integer in [min, MaxInt32], as perf.h does,
// printing usage.
func Number(arg string, min int, usage string) int {
	v, err := strconv.Atoi(arg)
	if err != nil || v < min || v > 1<<31-1 {
		fmt.Fprintf(os.Stderr, "invalid number %s (want %d..%d)\n", arg, min, 1<<31-1)
		fmt.Printf("usage: %s\n", usage)
		os.Exit(1)
	}
	return v
}

// Profile starts what the environment asks for: CPUPROFILE=file a CPU
// profile (go tool pprof), TRACE=file an execution trace (go tool trace).
// The returned function stops them.
func Profile() (stop func()) {
	var stops []func()
	if path := os.Getenv("CPUPROFILE"); path != "" {
		f := create(path)
		if err := pprof.StartCPUProfile(f); err != nil {
			Die("profile: %v", err)
		}
		stops = append(stops, pprof.StopCPUProfile)
	}
	if path := os.Getenv("TRACE"); path != "" {
		f := create(path)
		if err := trace.Start(f); err != nil {
			Die("trace: %v", err)
		}
		stops = append(stops, trace.Stop)
	}
	return func() {
		for _, s := range stops {
			s()
		}
	}
}

func create(path string) *os.File {
	f, err := os.Create(path)
	if err != nil {
		Die("profile: %v", err)
	}
	return f
}

// Rate is n per second over d, taking d as at least a microsecond, as the
// C programs do.
func Rate(n int64, d time.Duration) float64 {
	if d < time.Microsecond {
		d = time.Microsecond
	}
	return float64(n) / d.Seconds()
}

// Args returns the program's arguments if there are exactly n of them,
// else prints usage and exits, as libzmq's tools do.
func Args(usage string, n int) []string {
	if len(os.Args) != n+1 {
		fmt.Printf("usage: %s\n", usage)
		os.Exit(1)
	}
	return os.Args[1:]
}

// CurveKeys are fresh CURVE key pairs for a server and a client, as Z85.
type CurveKeys struct {
	ServerPublic, ServerSecret string
	ClientPublic, ClientSecret string
}

// NewCurveKeys makes both pairs, or exits.
func NewCurveKeys() CurveKeys {
	var k CurveKeys
	var err error
	if k.ServerPublic, k.ServerSecret, err = zmq.NewCurveKeyPair(); err != nil {
		Die("keypair: %v", err)
	}
	if k.ClientPublic, k.ClientSecret, err = zmq.NewCurveKeyPair(); err != nil {
		Die("keypair: %v", err)
	}
	return k
}

// Server and Client are the options of each side.
func (k CurveKeys) Server() zmq.Option { return zmq.WithCurveServer(k.ServerSecret) }

func (k CurveKeys) Client() zmq.Option {
	return zmq.WithCurveClient(k.ServerPublic, k.ClientPublic, k.ClientSecret)
}
