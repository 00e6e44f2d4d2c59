package ws

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// timeout bounds every exchange with a peer and every blocking call.
const timeout = 10 * time.Second

// nodeDir is where interop/node's packages are installed.
var nodeDir = filepath.Join("..", "node")

// nodePeer is one libzmq socket in a Node process (ws-peer.js).
type nodePeer struct {
	t      *testing.T
	typ    string
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	lines  chan string
	done   chan struct{}
	stderr *lockedBuffer
}

// startNode starts a libzmq socket of the given zeromq.js type (Request,
// Reply, Publisher, ...) with options as zeromq.js names them; it is closed
// when the test ends.
func startNode(t *testing.T, typ string, options map[string]any) *nodePeer {
	t.Helper()
	if _, err := os.Stat(filepath.Join(nodeDir, "node_modules", "zeromq")); err != nil {
		t.Fatalf("npm's zeromq is not installed in interop/node: run `make node-peers` (%v)", err)
	}
	opts, err := json.Marshal(options)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("node", "ws-peer.js", typ, string(opts))
	cmd.Dir = nodeDir
	p := &nodePeer{t: t, typ: typ, cmd: cmd, lines: make(chan string, 16), done: make(chan struct{}), stderr: &lockedBuffer{}}
	cmd.Stderr = p.stderr
	if p.stdin, err = cmd.StdinPipe(); err != nil {
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
		sc.Buffer(make([]byte, 64<<10), 64<<20)
		for sc.Scan() {
			p.lines <- sc.Text()
		}
		close(p.lines)
	}()
	t.Cleanup(p.close)
	return p
}

func (p *nodePeer) close() {
	_, _ = p.stdin.Write([]byte(`{"op":"close"}` + "\n"))
	p.stdin.Close()
	exited := make(chan struct{})
	go func() {
		for range p.lines {
		}
		close(exited)
	}()
	select {
	case <-exited:
	case <-time.After(timeout):
		p.cmd.Process.Kill()
		<-exited
	}
	<-p.done
	_ = p.cmd.Wait()
}

// reply is what the peer answered.
type reply struct {
	OK       bool     `json:"ok"`
	Error    string   `json:"error"`
	Code     string   `json:"code"`
	Endpoint string   `json:"endpoint"`
	Frames   []string `json:"frames"`
	Count    int      `json:"count"`
}

// frames decodes the frames the peer reported.
func (r reply) frames() []string {
	out := make([]string, len(r.Frames))
	for i, f := range r.Frames {
		b, _ := base64.StdEncoding.DecodeString(f)
		out[i] = string(b)
	}
	return out
}

// do sends a command and returns the answer, failing the test on an error.
func (p *nodePeer) do(cmd map[string]any) reply {
	p.t.Helper()
	r := p.try(cmd)
	if !r.OK {
		p.t.Fatalf("node %s: %s: %s (stderr: %s)", p.typ, cmd["op"], r.Error, p.stderr)
	}
	return r
}

// try sends a command and returns the answer, whether it is an error or not.
func (p *nodePeer) try(cmd map[string]any) reply {
	p.t.Helper()
	line, err := json.Marshal(cmd)
	if err != nil {
		p.t.Fatal(err)
	}
	if _, err := p.stdin.Write(append(line, '\n')); err != nil {
		p.t.Fatalf("node %s: %v (stderr: %s)", p.typ, err, p.stderr)
	}
	select {
	case l, ok := <-p.lines:
		if !ok {
			p.t.Fatalf("node %s exited (stderr: %s)", p.typ, p.stderr)
		}
		var r reply
		if err := json.Unmarshal([]byte(l), &r); err != nil {
			p.t.Fatalf("node %s answered %q: %v", p.typ, l, err)
		}
		return r
	case <-time.After(timeout + 5*time.Second):
		p.t.Fatalf("node %s did not answer %.200s (stderr: %s)", p.typ, line, p.stderr)
	}
	return reply{}
}

func (p *nodePeer) bind(endpoint string) string {
	p.t.Helper()
	return p.do(map[string]any{"op": "bind", "endpoint": endpoint}).Endpoint
}

func (p *nodePeer) connect(endpoint string) {
	p.t.Helper()
	p.do(map[string]any{"op": "connect", "endpoint": endpoint})
}

func (p *nodePeer) subscribe(topic string) {
	p.t.Helper()
	p.do(map[string]any{"op": "subscribe", "topic": topic})
}

func encodeFrames(frames []string) []string {
	out := make([]string, len(frames))
	for i, f := range frames {
		out[i] = base64.StdEncoding.EncodeToString([]byte(f))
	}
	return out
}

func (p *nodePeer) send(frames ...string) {
	p.t.Helper()
	p.do(map[string]any{"op": "send", "frames": encodeFrames(frames), "timeout": timeout.Milliseconds()})
}

func (p *nodePeer) recv() []string {
	p.t.Helper()
	return p.do(map[string]any{"op": "recv", "timeout": timeout.Milliseconds()}).frames()
}

// tryRecv receives one message, or reports that none came within d.
func (p *nodePeer) tryRecv(d time.Duration) ([]string, bool) {
	p.t.Helper()
	r := p.try(map[string]any{"op": "recv", "timeout": d.Milliseconds()})
	if !r.OK {
		if r.Code != "EAGAIN" {
			p.t.Fatalf("node %s: recv: %s (stderr: %s)", p.typ, r.Error, p.stderr)
		}
		return nil, false
	}
	return r.frames(), true
}

// echo makes the peer send back the next n messages, in the background;
// wait for the answer with the returned function.
func (p *nodePeer) echo(n int) func() {
	p.t.Helper()
	line, _ := json.Marshal(map[string]any{"op": "echo", "count": n, "timeout": timeout.Milliseconds()})
	if _, err := p.stdin.Write(append(line, '\n')); err != nil {
		p.t.Fatal(err)
	}
	return func() {
		p.t.Helper()
		select {
		case l := <-p.lines:
			if !strings.Contains(l, `"ok":true`) {
				p.t.Fatalf("node %s echo: %s (stderr: %s)", p.typ, l, p.stderr)
			}
		case <-time.After(timeout + 5*time.Second):
			p.t.Fatalf("node %s did not finish echoing (stderr: %s)", p.typ, p.stderr)
		}
	}
}

// lockedBuffer collects a process's stderr for error messages.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return strings.TrimSpace(b.b.String())
}

func frameList(frames []string) string { return fmt.Sprintf("%q", frames) }
