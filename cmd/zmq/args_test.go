package main

import (
	"strings"
	"testing"
	"time"
)

// Every mistake on the command line is one line on stderr and exit status
// 2, never a stack trace.
func TestBadArguments(t *testing.T) {
	for _, args := range [][]string{
		{"nosuch"},
		{"demo", "extra"},
		{"demo", "--nosuch"},
		{"perf"},
		{"perf", "bogus_thr", "1", "1"},
		{"perf", "local_thr", "tcp://127.0.0.1:1", "1"},
		{"perf", "local_thr", "nonsense", "1", "1"},
		{"perf", "local_thr", "tcp://127.0.0.1:1", "big", "1"},
		{"perf", "remote_lat", "tcp://127.0.0.1:1", "1", "0"},
		{"perf", "inproc_thr", "-5", "10"},
	} {
		r := runZmq(t, 10*time.Second, args...)
		if r.code != 2 {
			t.Errorf("zmq %s: exit status %d, want 2", strings.Join(args, " "), r.code)
		}
		if lines := strings.Count(r.stderr, "\n"); lines != 1 || !strings.HasPrefix(r.stderr, "zmq") {
			t.Errorf("zmq %s: stderr is not one line:\n%s", strings.Join(args, " "), r.stderr)
		}
	}
}

func TestHelp(t *testing.T) {
	for _, args := range [][]string{{"help"}, {"demo", "-h"}, {"help", "perf"}, {"perf", "--help"}} {
		r := runZmq(t, 10*time.Second, args...)
		wantSuccess(t, r)
		if !strings.Contains(r.stdout, "usage:") {
			t.Errorf("zmq %s printed no usage:\n%s", strings.Join(args, " "), r.stdout)
		}
	}
}
