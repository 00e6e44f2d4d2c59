package main

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// libzmqTool is one of libzmq's perf programs as bench/c builds them, or
// the test is skipped: they need a C compiler and libzmq, which a plain Go
// checkout lacks.
func libzmqTool(t *testing.T, name string) string {
	t.Helper()
	path, err := filepath.Abs(filepath.Join("..", "..", "bench", "bin", name))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); err != nil {
		t.Skipf("no %s: build libzmq's perf tools with make -C bench/c", path)
	}
	return path
}

// Our perf tools against libzmq's, in both roles: the wire protocol meets
// real libzmq, and the figures of either may be compared.
func TestPerfAgainstLibzmq(t *testing.T) {
	const timeout = 20 * time.Second
	t.Run("ours local_thr, libzmq remote_thr", func(t *testing.T) {
		ep := freeTCP(t)
		local := startZmq(t, timeout, "perf", "local_thr", ep, "64", "5000")
		wantSuccess(t, startProgram(t, timeout, libzmqTool(t, "remote_thr"), ep, "64", "5000")())
		r := local()
		wantSuccess(t, r)
		wantLines(t, r.stdout, "message size: 64 [B]", "message count: 5000", "mean throughput: ", "mean throughput: ")
	})
	t.Run("libzmq local_thr, ours remote_thr", func(t *testing.T) {
		ep := freeTCP(t)
		local := startProgram(t, timeout, libzmqTool(t, "local_thr"), ep, "64", "5000")
		wantSuccess(t, runZmq(t, timeout, "perf", "remote_thr", ep, "64", "5000"))
		r := local()
		wantSuccess(t, r)
		wantLines(t, r.stdout, "message size: 64 [B]", "message count: 5000", "mean throughput: ", "mean throughput: ")
	})
	t.Run("ours local_lat, libzmq remote_lat", func(t *testing.T) {
		ep := freeTCP(t)
		local := startZmq(t, timeout, "perf", "local_lat", ep, "16", "500")
		r := startProgram(t, timeout, libzmqTool(t, "remote_lat"), ep, "16", "500")()
		wantSuccess(t, r)
		wantLines(t, r.stdout, "message size: 16 [B]", "roundtrip count: 500", "average latency: ")
		wantSuccess(t, local())
	})
	t.Run("libzmq local_lat, ours remote_lat", func(t *testing.T) {
		ep := freeTCP(t)
		local := startProgram(t, timeout, libzmqTool(t, "local_lat"), ep, "16", "500")
		r := runZmq(t, timeout, "perf", "remote_lat", ep, "16", "500")
		wantSuccess(t, r)
		wantLines(t, r.stdout, "message size: 16 [B]", "roundtrip count: 500", "average latency: ")
		wantSuccess(t, local())
	})
}
