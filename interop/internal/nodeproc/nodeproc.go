// Package nodeproc runs a Node.js peer program for the interop tests: one
// JSON command a line on its standard input, one JSON answer a line on its
// standard output (interop/node's ws-peer.js and draft-peer.js).
package nodeproc

import (
	"bufio"
	"io"
	"os/exec"
	"testing"
	"time"

	"github.com/purezmq/zmq/internal/testlog"
)

// Proc is a running peer program.
type Proc struct {
	// Stdin takes commands, Lines gives answers (closed when the program
	// ends), Stderr collects what it printed there, for error messages.
	Stdin  io.WriteCloser
	Lines  chan string
	Stderr *testlog.Buffer

	cmd  *exec.Cmd
	done chan struct{}
}

// Start runs node with args in dir, reading answer lines of up to maxLine
// bytes; the program is asked to close, or killed after grace, when the
// test ends.
func Start(t *testing.T, dir string, maxLine int, grace time.Duration, args ...string) *Proc {
	t.Helper()
	cmd := exec.Command("node", args...)
	cmd.Dir = dir
	p := &Proc{cmd: cmd, Lines: make(chan string, 16), done: make(chan struct{}), Stderr: &testlog.Buffer{}}
	cmd.Stderr = p.Stderr
	var err error
	if p.Stdin, err = cmd.StdinPipe(); err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting node: %v", err)
	}
	go func() {
		defer close(p.done)
		sc := bufio.NewScanner(stdout)
		sc.Buffer(make([]byte, 64<<10), maxLine)
		for sc.Scan() {
			p.Lines <- sc.Text()
		}
		close(p.Lines)
	}()
	t.Cleanup(func() { p.close(grace) })
	return p
}

// close asks the program to close its socket and end, and kills it if it
// has not ended within grace.
func (p *Proc) close(grace time.Duration) {
	_, _ = p.Stdin.Write([]byte(`{"op":"close"}` + "\n"))
	p.Stdin.Close()
	exited := make(chan struct{})
	go func() {
		for range p.Lines {
		}
		close(exited)
	}()
	select {
	case <-exited:
	case <-time.After(grace):
		p.cmd.Process.Kill()
		<-exited
	}
	<-p.done
	_ = p.cmd.Wait()
}
