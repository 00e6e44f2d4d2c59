package interop

import (
	"log/slog"
	"net"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/purezmq/zmq"
	"github.com/purezmq/zmq/internal/testlog"
)

// startMicrosocks runs Debian's microsocks, a real SOCKS5 server, on a free
// loopback port, with a user name and password, and returns its address.
// scripts/install-socks.sh (make interop) installs it.
func startMicrosocks(t *testing.T, user, password string) string {
	t.Helper()
	path, err := exec.LookPath("microsocks")
	if err != nil {
		t.Fatalf("microsocks is not installed: run `make socks-server` (%v)", err)
	}
	port := strings.TrimPrefix(freeTCPEndpoint(t), "tcp://127.0.0.1:")
	cmd := exec.Command(path, "-i", "127.0.0.1", "-p", port, "-u", user, "-P", password)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	addr := "127.0.0.1:" + port
	eventually(t, 10*time.Second, "microsocks listening", func() bool {
		c, err := net.Dial("tcp", addr)
		if err == nil {
			c.Close()
		}
		return err == nil
	})
	return addr
}

// purezmq connects through a real SOCKS5 server, logging in with a user
// name and password, to a libzmq peer, both ways round the conversation;
// with the wrong password the proxy refuses, which is counted, logged and
// retried, and nothing gets through.
func TestSOCKSProxy(t *testing.T) {
	proxy := startMicrosocks(t, "ann", "s3cret")

	pull := newLZ(t, zmq.PULL)
	ep := lzBind(t, pull, "tcp://127.0.0.1:*")
	push := newOurs(t, zmq.PUSH, zmq.WithSOCKSProxy(proxy), zmq.WithSOCKSAuth("ann", "s3cret"))
	oursConnect(t, push, ep)
	oursSend(t, push, []byte("through the proxy"))
	expectFrames(t, lzRecv(t, pull), frames("through the proxy"))

	rep := newLZ(t, zmq.REP)
	repEP := lzBind(t, rep, "tcp://127.0.0.1:*")
	req := newOurs(t, zmq.REQ, zmq.WithSOCKSProxy(proxy), zmq.WithSOCKSAuth("ann", "s3cret"))
	oursConnect(t, req, repEP)
	oursSend(t, req, []byte("ping"))
	expectFrames(t, lzRecv(t, rep), frames("ping"))
	lzSend(t, rep, []byte("pong"))
	expectFrames(t, oursRecvMsg(t, req).Frames, frames("pong"))

	var log testlog.Buffer
	denied := newLZ(t, zmq.PULL)
	deniedEP := lzBind(t, denied, "tcp://127.0.0.1:*")
	intruder := newOurs(t, zmq.PUSH, zmq.WithSOCKSProxy(proxy), zmq.WithSOCKSAuth("ann", "wrong"),
		zmq.WithReconnectInterval(20*time.Millisecond, 0), zmq.WithLogger(slog.New(slog.NewTextHandler(&log, nil))))
	oursConnect(t, intruder, deniedEP)
	oursSend(t, intruder, []byte("should not arrive"))
	eventually(t, 10*time.Second, "two refused attempts", func() bool { return intruder.Stats().ProxyFailures >= 2 })
	if !strings.Contains(log.String(), "refused the user name and password") {
		t.Errorf("the log does not say why: %s", log.String())
	}
	must(t, denied.SetRcvtimeo(100*time.Millisecond))
	if m, err := denied.RecvMessageBytes(0); err == nil {
		t.Errorf("%q got through with the wrong password", m)
	} else if !isEAGAIN(err) {
		t.Errorf("libzmq Recv: %v", err)
	}
}
