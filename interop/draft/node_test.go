package draft

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/purezmq/zmq/interop/internal/nodeproc"
)

// timeout bounds every exchange with a peer and every blocking call.
const timeout = 10 * time.Second

// nodeDir is where interop/node's packages are installed.
var nodeDir = filepath.Join("..", "node")

// nodePeer is one libzmq draft socket in a Node process (draft-peer.js).
type nodePeer struct {
	t    *testing.T
	typ  string
	proc *nodeproc.Proc
}

// startNode starts a peer of the given type (Server, Client, Radio, Dish,
// Gather, Scatter, Datagram); it is closed when the test ends.
func startNode(t *testing.T, typ string) *nodePeer {
	t.Helper()
	if _, err := os.Stat(filepath.Join(nodeDir, "node_modules", "zeromq")); err != nil {
		t.Fatalf("npm's zeromq is not installed in interop/node: run `make node-peers` (%v)", err)
	}
	return &nodePeer{t: t, typ: typ, proc: nodeproc.Start(t, nodeDir, 16<<20, timeout, "--no-warnings", "draft-peer.js", typ)}
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
		if !r.OK {
			return r, fmt.Errorf("node %s: %s %v: %s (%s)", p.typ, cmd["op"], cmd["endpoint"], r.Error, r.Code)
		}
		return r, nil
	case <-time.After(timeout + 5*time.Second):
		p.t.Fatalf("node %s did not answer %s (stderr: %s)", p.typ, line, p.proc.Stderr)
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
