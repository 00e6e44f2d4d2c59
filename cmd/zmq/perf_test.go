package main

import (
	"strings"
	"testing"
	"time"
)

func TestPerfThroughputOverTCP(t *testing.T) {
	ep := freeTCP(t)
	local := startZmq(t, 20*time.Second, "perf", "local_thr", ep, "64", "2000")
	// remote_thr keeps redialling until local_thr has bound, and lingers
	// until every message is delivered: no sleeping needed either side.
	wantSuccess(t, runZmq(t, 20*time.Second, "perf", "remote_thr", ep, "64", "2000"))
	r := local()
	wantSuccess(t, r)
	wantLines(t, r.stdout, "message size: 64 [B]", "message count: 2000", "mean throughput: ", "mean throughput: ")
	if !strings.HasSuffix(r.stdout, " [Mb/s]\n") {
		t.Errorf("no [Mb/s] line:\n%s", r.stdout)
	}
}

func TestPerfLatencyOverTCP(t *testing.T) {
	ep := freeTCP(t)
	local := startZmq(t, 20*time.Second, "perf", "local_lat", ep, "16", "500")
	r := runZmq(t, 20*time.Second, "perf", "remote_lat", ep, "16", "500")
	wantSuccess(t, r)
	wantLines(t, r.stdout, "message size: 16 [B]", "roundtrip count: 500", "average latency: ")
	wantSuccess(t, local())
	if out := local().stdout; out != "" {
		t.Errorf("local_lat printed %q; libzmq's prints nothing", out)
	}
}

func TestPerfInproc(t *testing.T) {
	r := runZmq(t, 20*time.Second, "perf", "inproc_thr", "100", "5000")
	wantSuccess(t, r)
	wantLines(t, r.stdout, "message size: 100 [B]", "message count: 5000", "mean throughput: ", "mean throughput: ")
	r = runZmq(t, 20*time.Second, "perf", "inproc_lat", "100", "500")
	wantSuccess(t, r)
	wantLines(t, r.stdout, "message size: 100 [B]", "roundtrip count: 500", "average latency: ")
}
