package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"
)

// zmqBin is the command under test, built once: running the real binary
// over real sockets is what users do, exit codes and all.
var zmqBin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "zmq-cmd-test")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	zmqBin = filepath.Join(dir, "zmq")
	build := []string{"build", "-o", zmqBin}
	if raceEnabled {
		build = append(build, "-race")
	}
	if out, err := exec.Command("go", append(build, ".")...).CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "go build: %v\n%s", err, out)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	// A race-enabled binary sleeps a second at exit so that late reports
	// get out; ours report at once, and the sleeps would add up.
	os.Setenv("GORACE", strings.TrimSpace(os.Getenv("GORACE")+" atexit_sleep_ms=0"))
	code := m.Run()
	os.RemoveAll(dir)
	if code == 0 {
		if err := goleak.Find(); err != nil {
			fmt.Fprintln(os.Stderr, err)
			code = 1
		}
	}
	os.Exit(code)
}

// result is what a run of the binary left behind.
type result struct {
	stdout, stderr string
	code           int
}

// zmqCmd prepares a run of the binary that is killed if it outlives
// timeout, so a hung command fails the test instead of stalling it.
func zmqCmd(t *testing.T, timeout time.Duration, args ...string) (*exec.Cmd, *bytes.Buffer, *bytes.Buffer) {
	t.Helper()
	return programCmd(t, timeout, zmqBin, args...)
}

// programCmd is zmqCmd for any program.
func programCmd(t *testing.T, timeout time.Duration, path string, args ...string) (*exec.Cmd, *bytes.Buffer, *bytes.Buffer) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	t.Cleanup(cancel)
	cmd := exec.CommandContext(ctx, path, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	return cmd, &stdout, &stderr
}

// runZmq runs the binary to completion.
func runZmq(t *testing.T, timeout time.Duration, args ...string) result {
	t.Helper()
	cmd, stdout, stderr := zmqCmd(t, timeout, args...)
	return finish(t, cmd.Run(), stdout, stderr)
}

func finish(t *testing.T, err error, stdout, stderr *bytes.Buffer) result {
	t.Helper()
	r := result{stdout: stdout.String(), stderr: stderr.String()}
	var exit *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &exit):
		r.code = exit.ExitCode()
	default:
		t.Fatalf("running zmq: %v", err)
	}
	return r
}

// startZmq starts the binary in the background; wait collects it.
func startZmq(t *testing.T, timeout time.Duration, args ...string) (wait func() result) {
	t.Helper()
	return startProgram(t, timeout, zmqBin, args...)
}

// startProgram is startZmq for any program.
func startProgram(t *testing.T, timeout time.Duration, path string, args ...string) (wait func() result) {
	t.Helper()
	cmd, stdout, stderr := programCmd(t, timeout, path, args...)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var once sync.Once
	var r result
	wait = func() result {
		once.Do(func() { r = finish(t, cmd.Wait(), stdout, stderr) })
		return r
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		wait()
	})
	return wait
}

// freeTCP returns a tcp endpoint on a port that was free a moment ago, for
// commands that must be told in advance where to meet.
func freeTCP(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return "tcp://" + l.Addr().String()
}

func wantSuccess(t *testing.T, r result) {
	t.Helper()
	if r.code != 0 {
		t.Fatalf("exit status %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
}

func wantLines(t *testing.T, out string, prefixes ...string) {
	t.Helper()
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	if len(lines) != len(prefixes) {
		t.Fatalf("got %d lines, want %d:\n%s", len(lines), len(prefixes), out)
	}
	for i, p := range prefixes {
		if !strings.HasPrefix(lines[i], p) {
			t.Errorf("line %d = %q, want it to start %q", i+1, lines[i], p)
		}
	}
}
