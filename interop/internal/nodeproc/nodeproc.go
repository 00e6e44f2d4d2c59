// Package nodeproc runs a Node.js peer program for the interop tests: one
// JSON command a line on its standard input, one JSON answer a line on its
// standard output (interop/node's ws-peer.js and draft-peer.js).
package nodeproc

import (
	"bufio"
	"bytes"
	"io"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"
)

// Proc is a running peer program.
type Proc struct {
	// Stdin takes commands, Lines gives answers (closed when the program
	// ends), Stderr collects what it printed there, for error messages.
	Stdin  io.WriteCloser
	Lines  chan string
	Stderr *LockedBuffer

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
	p := &Proc{cmd: cmd, Lines: make(chan string, 16), done: make(chan struct{}), Stderr: &LockedBuffer{}}
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

// LockedBuffer collects a process's output for error messages.
type LockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *LockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *LockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return strings.TrimSpace(b.b.String())
}
