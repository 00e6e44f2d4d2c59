package main

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/purezmq/zmq"
)

// A command reading stdin stops at SIGINT or SIGTERM, exit status 130,
// without waiting for stdin to end: the user who presses Ctrl-C while
// `zmq send` waits for a line must not have to press Ctrl-D as well.
func TestSignalWhileReadingStdin(t *testing.T) {
	for _, c := range []struct {
		command string
		peer    zmq.Type
		sig     os.Signal
	}{
		{"send", zmq.PULL, os.Interrupt},
		{"send", zmq.PULL, syscall.SIGTERM},
		{"req", zmq.REP, os.Interrupt},
		{"req", zmq.REP, syscall.SIGTERM},
	} {
		t.Run(c.command+"/"+c.sig.String(), func(t *testing.T) {
			peer, err := zmq.NewSocket(c.peer, zmq.WithLinger(0))
			if err != nil {
				t.Fatal(err)
			}
			defer peer.Close()
			if err := peer.Bind("tcp://127.0.0.1:*"); err != nil {
				t.Fatal(err)
			}
			// Killed if it outlives 30s: on the code before the fix it
			// waited for stdin to end.
			cmd, _, stderr := zmqCmd(t, 30*time.Second, c.command, "--connect", peer.LastEndpoint())
			cmd.Stdout = nil
			stdout, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			stdin, err := cmd.StdinPipe()
			if err != nil {
				t.Fatal(err)
			}
			defer stdin.Close()
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			// The first line arriving at the peer shows the command is
			// past start-up, signal handlers and all, and reading stdin,
			// which stays open.
			if _, err := stdin.Write([]byte("first\n")); err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			m, err := peer.Recv(ctx)
			if err != nil || m.String() != "first" {
				t.Fatalf("peer received %q, %v", m, err)
			}
			if c.peer == zmq.REP {
				if err := peer.Send(ctx, zmq.NewMsgString("reply")); err != nil {
					t.Fatal(err)
				}
				// The reply printed: the command is back to reading stdin.
				if line, err := bufio.NewReader(stdout).ReadString('\n'); line != "reply\n" {
					t.Fatalf("req printed %q, %v", line, err)
				}
			}
			cmd.Process.Signal(c.sig)
			r := finish(t, cmd.Wait(), new(bytes.Buffer), stderr)
			if r.code != 130 {
				t.Errorf("exit status %d after %v with stdin open, want 130 at once (stderr %q)", r.code, c.sig, r.stderr)
			}
		})
	}
}

// `zmq recv --timeout D` gives up D after it starts waiting, whatever the
// socket type: a SUB connected to a publisher that never came up used to
// wait a second more, lingering on its subscription at close. The time is
// taken from the "bound" line, printed once the command is up, to its exit:
// D plus the lingering second before the fix, D plus exiting now; the
// bound below sits between the two with room for a loaded machine.
func TestRecvTimeoutOnTime(t *testing.T) {
	const timeout = 500 * time.Millisecond
	for _, typ := range []string{"SUB", "PULL", "DEALER"} {
		cmd, stdout, _ := zmqCmd(t, 30*time.Second, "recv", "--type", typ,
			"--bind", "tcp://127.0.0.1:*", "--connect", freeTCP(t), "--timeout", timeout.String())
		cmd.Stderr = nil
		stderr, err := cmd.StderrPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		errs := bufio.NewReader(stderr)
		if line, err := errs.ReadString('\n'); !strings.HasPrefix(line, "bound ") {
			t.Fatalf("%s: first line on stderr %q, %v", typ, line, err)
		}
		ready := time.Now()
		rest, _ := io.ReadAll(errs)
		r := finish(t, cmd.Wait(), stdout, bytes.NewBuffer(rest))
		took := time.Since(ready)
		if r.code != 1 || !strings.Contains(r.stderr, "no message came within "+timeout.String()) {
			t.Errorf("%s: exit status %d, stderr %q", typ, r.code, r.stderr)
		}
		if took > timeout+800*time.Millisecond {
			t.Errorf("recv --type %s --timeout %v exited %v after it was up", typ, timeout, took)
		}
	}
}

// A CURVE client given the wrong server key is told that the handshake
// failed and where to look, not only that no reply came.
func TestCurveWrongServerKeyExplained(t *testing.T) {
	keys := strings.Fields(runZmq(t, 10*time.Second, "keygen").stdout)
	otherServer := strings.Fields(runZmq(t, 10*time.Second, "keygen").stdout)[1]
	ep := freeTCP(t)
	startZmq(t, 60*time.Second, "rep", "--echo", "--bind", ep, "--curve-server", keys[3]) // killed at cleanup
	for _, args := range [][]string{
		{"req", "--connect", ep, "--curve-client", otherServer, "--timeout", "2s", "hello"},
		{"recv", "--type", "DEALER", "--connect", ep, "--curve-client", otherServer, "--timeout", "2s"},
	} {
		r := runZmq(t, 30*time.Second, args...)
		if r.code != 1 || !strings.Contains(r.stderr, "handshake failed") || !strings.Contains(r.stderr, "server key given to --curve-client") {
			t.Errorf("zmq %s: exit status %d, stderr %q; want it to say the handshake failed and to check the server key",
				strings.Join(args, " "), r.code, r.stderr)
		}
	}
}

// A bind the kernel refuses names the endpoint once, with the reason.
func TestBindErrorNamesEndpointOnce(t *testing.T) {
	// 192.0.2.1 (TEST-NET-1) is on no interface here: the bind fails at
	// once and sends nothing.
	const ep = "tcp://192.0.2.1:5555"
	r := runZmq(t, 10*time.Second, "recv", "--bind", ep)
	if r.code != 1 || strings.Count(r.stderr, "192.0.2.1") != 1 || !strings.Contains(r.stderr, "cannot assign requested address") {
		t.Errorf("exit status %d, stderr %q: want the endpoint named once, and why", r.code, r.stderr)
	}
	if want := "zmq recv: bind " + ep + ": cannot assign requested address\n"; r.stderr != want {
		t.Errorf("stderr %q, want %q", r.stderr, want)
	}
}

// A malformed duration says what a duration looks like.
func TestBadDurationExplained(t *testing.T) {
	for _, args := range [][]string{
		{"recv", "--bind", "tcp://127.0.0.1:*", "--timeout", "abc"},
		{"send", "--connect", "tcp://127.0.0.1:1", "--delay", "abc", "x"},
		{"monitor", "--bind", "tcp://127.0.0.1:*", "--timeout", "abc"},
	} {
		r := runZmq(t, 10*time.Second, args...)
		if r.code != 2 || !strings.Contains(r.stderr, `"abc"`) || !strings.Contains(r.stderr, "a duration such as 500ms, 5s") {
			t.Errorf("zmq %s: exit status %d, stderr %q; want it to say what a duration looks like", strings.Join(args, " "), r.code, r.stderr)
		}
	}
}
