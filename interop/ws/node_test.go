package ws

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/purezmq/zmq/interop/internal/nodeproc"
)

// timeout bounds every exchange with a peer and every blocking call.
const timeout = 10 * time.Second

// nodeDir is where interop/node's packages are installed.
var nodeDir = filepath.Join("..", "node")

// nodePeer is one libzmq socket in a Node process (ws-peer.js).
type nodePeer struct {
	t    *testing.T
	typ  string
	proc *nodeproc.Proc
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
	return &nodePeer{t: t, typ: typ, proc: nodeproc.Start(t, nodeDir, 64<<20, timeout, "ws-peer.js", typ, string(opts))}
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
		p.t.Fatalf("node %s: %s: %s (stderr: %s)", p.typ, cmd["op"], r.Error, p.proc.Stderr)
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
	if _, err := p.proc.Stdin.Write(append(line, '\n')); err != nil {
		p.t.Fatalf("node %s: %v (stderr: %s)", p.typ, err, p.proc.Stderr)
	}
	select {
	case l, ok := <-p.proc.Lines:
		if !ok {
			p.t.Fatalf("node %s exited (stderr: %s)", p.typ, p.proc.Stderr)
		}
		var r reply
		if err := json.Unmarshal([]byte(l), &r); err != nil {
			p.t.Fatalf("node %s answered %q: %v", p.typ, l, err)
		}
		return r
	case <-time.After(timeout + 5*time.Second):
		p.t.Fatalf("node %s did not answer %.200s (stderr: %s)", p.typ, line, p.proc.Stderr)
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
			p.t.Fatalf("node %s: recv: %s (stderr: %s)", p.typ, r.Error, p.proc.Stderr)
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
	if _, err := p.proc.Stdin.Write(append(line, '\n')); err != nil {
		p.t.Fatal(err)
	}
	return func() {
		p.t.Helper()
		select {
		case l := <-p.proc.Lines:
			if !strings.Contains(l, `"ok":true`) {
				p.t.Fatalf("node %s echo: %s (stderr: %s)", p.typ, l, p.proc.Stderr)
			}
		case <-time.After(timeout + 5*time.Second):
			p.t.Fatalf("node %s did not finish echoing (stderr: %s)", p.typ, p.proc.Stderr)
		}
	}
}

func frameList(frames []string) string { return fmt.Sprintf("%q", frames) }
