//go:build unix

package zmq_test

import (
	"fmt"
	"syscall"
	"testing"
	"time"
)

// BenchmarkSideBySide runs the draft types' benchmarks beside PUSH/PULL
// and DEALER/ROUTER in one run, and reports each one's CPU time per
// operation (user and system, all of the process's threads): on a shared
// machine, wall time moves with the load far more than CPU time does.
// cpu-ns/op includes the set-up, a few milliseconds beside a second's run.
func BenchmarkSideBySide(b *testing.B) {
	cases := []struct {
		name string
		run  func(b *testing.B)
	}{
		{"PUSH-PULL/tcp/16", func(b *testing.B) { benchThroughput(b, benchEndpoint(b, "tcp"), 16) }},
		{"RADIO-DISH/tcp/16", func(b *testing.B) { benchRadioDish(b, "tcp", 16) }},
		{"RADIO-DISH/udp/16", func(b *testing.B) { benchRadioDish(b, "udp", 16) }},
		{"PUSH-PULL/inproc/16", func(b *testing.B) { benchThroughput(b, benchEndpoint(b, "inproc"), 16) }},
		{"RADIO-DISH/inproc/16", func(b *testing.B) { benchRadioDish(b, "inproc", 16) }},
		{"PUSH-PULL/tcp/256", func(b *testing.B) { benchThroughput(b, benchEndpoint(b, "tcp"), 256) }},
		{"RADIO-DISH/tcp/256", func(b *testing.B) { benchRadioDish(b, "tcp", 256) }},
		{"RADIO-DISH/udp/256", func(b *testing.B) { benchRadioDish(b, "udp", 256) }},
		{"DEALER-ROUTER/tcp", func(b *testing.B) { benchRouterRoundTrip(b, "tcp", 1) }},
		{"CLIENT-SERVER/tcp", func(b *testing.B) { benchClientServer(b, "tcp") }},
		{"CLIENT-SERVER/ipc", func(b *testing.B) { benchClientServer(b, "ipc") }},
		{"DEALER-ROUTER/inproc", func(b *testing.B) { benchRouterRoundTrip(b, "inproc", 1) }},
		{"CLIENT-SERVER/inproc", func(b *testing.B) { benchClientServer(b, "inproc") }},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			start := cpuTime(b)
			c.run(b)
			b.ReportMetric(float64((cpuTime(b)-start).Nanoseconds())/float64(b.N), "cpu-ns/op")
		})
	}
}

func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(fmt.Errorf("getrusage: %w", err))
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
