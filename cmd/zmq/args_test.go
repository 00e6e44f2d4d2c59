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
		{"send", "hello"},
		{"send", "--type", "bogus", "--connect", "tcp://127.0.0.1:1", "x"},
		{"send", "--type", "SUB", "--connect", "tcp://127.0.0.1:1", "x"},
		{"send", "--type", "REP", "--connect", "tcp://127.0.0.1:1", "x"},
		{"send", "--connect", "nonsense", "x"},
		{"send", "--connect", "tcp://127.0.0.1:1", "--format", "yaml", "x"},
		{"send", "--connect", "tcp://127.0.0.1:1", "--format", "hex", "xyz"},
		{"send", "--connect", "tcp://127.0.0.1:1", "--count", "0", "x"},
		{"send", "--connect", "tcp://127.0.0.1:1", "--subscribe", "a", "x"},
		{"send", "--connect", "tcp://127.0.0.1:1", "--curve-client", "short", "x"},
		{"send", "--connect", "tcp://127.0.0.1:1", "--curve-server", "short", "x"},
		{"send", "--connect", "tcp://127.0.0.1:1", "--plain-server", "x"},
		{"send", "--connect", "tcp://127.0.0.1:1", "--timeout", "soon", "x"},
		{"recv", "--type", "PUSH", "--bind", "tcp://127.0.0.1:*"},
		{"recv", "--bind", "tcp://127.0.0.1:*", "stray"},
		{"req", "--type", "DEALER", "--connect", "tcp://127.0.0.1:1", "x"},
		{"rep", "--type", "ROUTER", "--echo", "--bind", "tcp://127.0.0.1:*"},
		{"send", "--type", "RADIO", "--connect", "udp://127.0.0.1:1", "x"},
		{"send", "--group", "g", "--connect", "tcp://127.0.0.1:1", "x"},
		{"send", "--routing-id", "5", "--connect", "tcp://127.0.0.1:1", "x"},
		{"send", "--type", "PEER", "--bind", "tcp://127.0.0.1:*", "x"},
		{"send", "--type", "DISH", "--join", "g", "--bind", "udp://127.0.0.1:*", "x"},
		{"send", "--type", "GATHER", "--bind", "tcp://127.0.0.1:*", "x"},
		{"recv", "--type", "DISH", "--bind", "udp://127.0.0.1:*"},
		{"recv", "--join", "g", "--bind", "tcp://127.0.0.1:*"},
		{"recv", "--type", "RADIO", "--connect", "udp://127.0.0.1:1"},
		{"recv", "--type", "SCATTER", "--bind", "tcp://127.0.0.1:*"},
		{"rep", "--bind", "tcp://127.0.0.1:*"},
		{"rep", "--echo", "--reply", "x", "--bind", "tcp://127.0.0.1:*"},
		{"keygen", "--public", "notakey"},
		{"proxy", "tcp://127.0.0.1:*"},
		{"proxy", "--types", "ROUTER", "tcp://127.0.0.1:*", "tcp://127.0.0.1:*"},
		{"proxy", "--types", "ROUTER,BOGUS", "tcp://127.0.0.1:*", "tcp://127.0.0.1:*"},
		{"monitor"},
		{"send", "--hwm", "-3", "--connect", "tcp://127.0.0.1:1", "x"},
		{"recv", "--count", "x", "--bind", "tcp://127.0.0.1:*"},
		{"send", "--nosuch"},
		{"recv", "--bind", "tcp://127.0.0.1:*", "--curve-allow", "short"},
		{"recv", "--bind", "tcp://127.0.0.1:*", "--curve-server", "rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7", "--curve-allow", "short"},
	} {
		r := runZmq(t, 10*time.Second, args...)
		if r.code != 2 {
			t.Errorf("zmq %s: exit status %d, want 2", strings.Join(args, " "), r.code)
		}
		if lines := strings.Count(r.stderr, "\n"); lines != 1 || !strings.HasPrefix(r.stderr, "zmq") || r.stdout != "" {
			t.Errorf("zmq %s: not one line on stderr and nothing else:\nstderr: %s\nstdout: %s", strings.Join(args, " "), r.stderr, r.stdout)
		}
	}
}

func TestHelp(t *testing.T) {
	for _, args := range [][]string{
		{"help"}, {"demo", "-h"}, {"help", "perf"}, {"perf", "--help"}, {"send", "-h"}, {"recv", "-h"},
		{"req", "-h"}, {"rep", "-h"}, {"keygen", "-h"}, {"proxy", "-h"}, {"monitor", "-h"},
	} {
		r := runZmq(t, 10*time.Second, args...)
		wantSuccess(t, r)
		commandHelp := len(args) > 1
		if !strings.Contains(r.stdout, "usage:") || commandHelp && !strings.Contains(r.stdout, "example") {
			t.Errorf("zmq %s printed no usage:\n%s", strings.Join(args, " "), r.stdout)
		}
	}
}
