package draft

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// timeout bounds every exchange with a peer and every blocking call.
const timeout = 10 * time.Second

// nodeDir is where interop/node's packages are installed.
var nodeDir = filepath.Join("..", "node")

// nodePeer is one libzmq draft socket in a Node process (draft-peer.js).
type nodePeer struct {
	t      *testing.T
	typ    string
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	lines  chan string
	done   chan struct{}
	stderr *lockedBuffer
}

// startNode starts a peer of the given type (Server, Client, Radio, Dish,
// Gather, Scatter, Datagram); it is closed when the test ends.
func startNode(t *testing.T, typ string) *nodePeer {
	t.Helper()
	if _, err := os.Stat(filepath.Join(nodeDir, "node_modules", "zeromq")); err != nil {
		t.Fatalf("npm's zeromq is not installed in interop/node: run `make node-peers` (%v)", err)
	}
	cmd := exec.Command("node", "--no-warnings", "draft-peer.js", typ)
	cmd.Dir = nodeDir
	p := &nodePeer{t: t, typ: typ, cmd: cmd, lines: make(chan string, 16), done: make(chan struct{}), stderr: &lockedBuffer{}}
	cmd.Stderr = p.stderr
	var err error
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
		sc.Buffer(make([]byte, 64<<10), 16<<20)
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
	OK        bool   `json:"ok"`
	Error     string `json:"error"`
	Code      string `json:"code"`
	Endpoint  string `json:"endpoint"`
	Body      string `json:"body"`
	RoutingID uint32 `json:"routingId"`
	Group     string `json:"group"`
	Address   string `json:"address"`
	Count     int    `json:"count"`
}

// body decodes the body the peer reported.
func (r reply) body() []byte {
	b, _ := base64.StdEncoding.DecodeString(r.Body)
	return b
}

// try sends a command and returns the answer, or an error the peer gave.
func (p *nodePeer) try(cmd map[string]any) (reply, error) {
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
		if !r.OK {
			return r, fmt.Errorf("node %s: %s %v: %s (%s)", p.typ, cmd["op"], cmd["endpoint"], r.Error, r.Code)
		}
		return r, nil
	case <-time.After(timeout + 5*time.Second):
		p.t.Fatalf("node %s did not answer %s (stderr: %s)", p.typ, line, p.stderr)
	}
	return reply{}, nil
}

// do is try, failing the test on an error.
func (p *nodePeer) do(cmd map[string]any) reply {
	p.t.Helper()
	r, err := p.try(cmd)
	if err != nil {
		p.t.Fatal(err)
	}
	return r
}

func (p *nodePeer) bind(endpoint string) string {
	p.t.Helper()
	return p.do(map[string]any{"op": "bind", "endpoint": endpoint}).Endpoint
}

func (p *nodePeer) connect(endpoint string) {
	p.t.Helper()
	p.do(map[string]any{"op": "connect", "endpoint": endpoint})
}

// send sends body with the given extra fields (routingId, group, address).
func (p *nodePeer) send(body string, extra map[string]any) {
	p.t.Helper()
	cmd := map[string]any{"op": "send", "body": base64.StdEncoding.EncodeToString([]byte(body))}
	for k, v := range extra {
		cmd[k] = v
	}
	p.do(cmd)
}

// recv receives one message, failing the test after the timeout.
func (p *nodePeer) recv() reply {
	p.t.Helper()
	return p.do(map[string]any{"op": "recv", "timeout": timeout.Milliseconds()})
}

// tryRecv receives one message, or reports that none came within d.
func (p *nodePeer) tryRecv(d time.Duration) (reply, bool) {
	p.t.Helper()
	r, err := p.try(map[string]any{"op": "recv", "timeout": d.Milliseconds()})
	if err != nil {
		if r.Code == "EAGAIN" {
			return r, false
		}
		p.t.Fatal(err)
	}
	return r, true
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

var ipcCount atomic.Int64

// endpoint returns an endpoint to bind on the transport: an ephemeral tcp
// port on loopback or a socket file in a short temporary directory.
func endpoint(t *testing.T, transport string) string {
	t.Helper()
	if transport == "tcp" {
		return "tcp://127.0.0.1:*"
	}
	dir, err := os.MkdirTemp("", "zd")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	return fmt.Sprintf("ipc://%s/s%d.sock", dir, ipcCount.Add(1))
}

// freeUDP returns a loopback udp endpoint nothing is bound to (yet):
// libzmq's udp bind takes no "*" port.
func freeUDP(t *testing.T) string {
	t.Helper()
	c, err := net.ListenPacket("udp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := c.LocalAddr().String()
	c.Close()
	return "udp://" + addr
}
