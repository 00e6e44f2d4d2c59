package main

import (
	"bufio"
	"bytes"
	"os"
	"strings"
	"testing"
	"time"
)

// sendUntilTaken runs zmq send until it reports that a peer took the
// messages: the receiver may not have bound yet, and a send that found no
// peer in its timeout delivered nothing, so retrying cannot duplicate.
func sendUntilTaken(t *testing.T, args ...string) {
	t.Helper()
	// Generous: on a loaded machine a -race binary can take seconds to
	// start, so each try gets 3 s and the whole wait 45 s.
	deadline := time.Now().Add(45 * time.Second)
	for {
		r := runZmq(t, 20*time.Second, append([]string{"send", "--timeout", "3s"}, args...)...)
		if r.code == 0 {
			return
		}
		if !strings.Contains(r.stderr, "no peer took the messages") || time.Now().After(deadline) {
			t.Fatalf("send: exit status %d: %s", r.code, r.stderr)
		}
	}
}

func TestSendRecv(t *testing.T) {
	ep := freeTCP(t)
	recv := startZmq(t, 60*time.Second, "recv", "--bind", ep, "--count", "3", "--timeout", "50s", "--delimiter", "|")
	sendUntilTaken(t, "--connect", ep, "--delimiter", "|", "hello", "two|frames", "")
	r := recv()
	wantSuccess(t, r)
	if want := "hello\ntwo|frames\n\n"; r.stdout != want {
		t.Errorf("recv printed %q, want %q", r.stdout, want)
	}
}

func TestSendStdinRecvJSONAndHex(t *testing.T) {
	for _, c := range []struct{ format, want string }{
		{"json", "[\"line one\"]\n[\"a\",\"b\"]\n"},
		{"hex", "6c696e65206f6e65\n61 62\n"},
	} {
		ep := freeTCP(t)
		recv := startZmq(t, 60*time.Second, "recv", "--type", "PAIR", "--connect", ep, "--count", "2", "--format", c.format)
		cmd, _, stderr := zmqCmd(t, 10*time.Second, "send", "--type", "PAIR", "--bind", ep, "--delimiter", ",", "--timeout", "10s")
		cmd.Stdin = strings.NewReader("line one\na,b\n")
		if err := cmd.Run(); err != nil {
			t.Fatalf("send: %v: %s", err, stderr)
		}
		r := recv()
		wantSuccess(t, r)
		if r.stdout != c.want {
			t.Errorf("--format %s: recv printed %q, want %q", c.format, r.stdout, c.want)
		}
	}
}

func TestReqRep(t *testing.T) {
	ep := freeTCP(t)
	rep := startZmq(t, 60*time.Second, "rep", "--echo", "--bind", ep, "--count", "2", "--timeout", "15s")
	// REQ queues its request until the REP is up, so no retry is needed.
	r := runZmq(t, 20*time.Second, "req", "--connect", ep, "--timeout", "15s", "ping", "pong")
	wantSuccess(t, r)
	if r.stdout != "ping\npong\n" {
		t.Errorf("req printed %q", r.stdout)
	}
	r = rep()
	wantSuccess(t, r)
	if r.stdout != "ping\npong\n" {
		t.Errorf("rep printed %q", r.stdout)
	}
}

func TestRepFixedReply(t *testing.T) {
	ep := freeTCP(t)
	rep := startZmq(t, 60*time.Second, "rep", "--reply", "world", "--connect", ep, "--count", "1")
	r := runZmq(t, 20*time.Second, "send", "--type", "REQ", "--bind", ep, "--timeout", "15s", "hello")
	wantSuccess(t, r)
	if r.stdout != "world\n" {
		t.Errorf("send --type REQ printed %q", r.stdout)
	}
	wantSuccess(t, rep())
}

func TestPlain(t *testing.T) {
	ep := freeTCP(t)
	server := []string{"recv", "--bind", ep, "--plain-server", "--plain-user", "ann", "--plain-password", "secret", "--count", "1", "--timeout", "50s"}
	recv := startZmq(t, 60*time.Second, server...)
	r := runZmq(t, 10*time.Second, "send", "--connect", ep, "--plain-user", "ann", "--plain-password", "wrong", "--timeout", "500ms", "intruder")
	if r.code != 1 || !strings.Contains(r.stderr, "no peer took the messages") {
		t.Errorf("wrong password: exit status %d, stderr %q", r.code, r.stderr)
	}
	sendUntilTaken(t, "--connect", ep, "--plain-user", "ann", "--plain-password", "secret", "welcome")
	r = recv()
	wantSuccess(t, r)
	if r.stdout != "welcome\n" {
		t.Errorf("recv printed %q", r.stdout)
	}
}

func TestCurve(t *testing.T) {
	keys := strings.Fields(runZmq(t, 10*time.Second, "keygen").stdout)
	public, secret := keys[1], keys[3]
	ep := freeTCP(t)
	rep := startZmq(t, 60*time.Second, "rep", "--reply", "sealed", "--bind", ep, "--curve-server", secret, "--count", "1")
	r := runZmq(t, 10*time.Second, "req", "--connect", ep, "--curve-client", public, "--timeout", "5s", "open")
	wantSuccess(t, r)
	if r.stdout != "sealed\n" {
		t.Errorf("req printed %q", r.stdout)
	}
	wantSuccess(t, rep())

	// With --curve-allow, only the clients named get in.
	client := strings.Fields(runZmq(t, 10*time.Second, "keygen").stdout)
	ep = freeTCP(t)
	recv := startZmq(t, 60*time.Second, "recv", "--bind", ep, "--curve-server", secret, "--curve-allow", client[1], "--count", "1")
	r = runZmq(t, 10*time.Second, "send", "--connect", ep, "--curve-client", public, "--timeout", "1s", "stranger")
	if r.code != 1 || !strings.Contains(r.stderr, "HANDSHAKE_FAILED") {
		t.Errorf("unlisted client key: exit status %d, stderr %q", r.code, r.stderr)
	}
	sendUntilTaken(t, "--connect", ep, "--curve-client", public+","+client[1]+","+client[3], "friend")
	if r := recv(); r.stdout != "friend\n" {
		t.Errorf("recv --curve-allow printed %q (exit status %d, %s)", r.stdout, r.code, r.stderr)
	}

	// A client that trusts another server key never gets through.
	otherKey := strings.Fields(runZmq(t, 10*time.Second, "keygen").stdout)[1]
	startZmq(t, 60*time.Second, "recv", "--bind", ep, "--curve-server", secret)
	r = runZmq(t, 10*time.Second, "send", "--connect", ep, "--curve-client", otherKey, "--timeout", "1s", "x")
	if r.code != 1 || !strings.Contains(r.stderr, "HANDSHAKE_FAILED") {
		t.Errorf("wrong server key: exit status %d, stderr %q", r.code, r.stderr)
	}
}

func TestKeygen(t *testing.T) {
	r := runZmq(t, 10*time.Second, "keygen")
	wantSuccess(t, r)
	wantLines(t, r.stdout, "public: ", "secret: ")
	lines := strings.Fields(r.stdout)
	if len(lines) != 4 || len(lines[1]) != 40 || len(lines[3]) != 40 {
		t.Fatalf("keys are not 40 characters of Z85:\n%s", r.stdout)
	}
	r = runZmq(t, 10*time.Second, "keygen", "--public", lines[3])
	wantSuccess(t, r)
	if r.stdout != "public: "+lines[1]+"\n" {
		t.Errorf("--public gave %q, want the pair's public key %s", r.stdout, lines[1])
	}
}

func TestProxy(t *testing.T) {
	front, back := freeTCP(t), freeTCP(t)
	startZmq(t, 30*time.Second, "proxy", front, back) // killed at cleanup
	rep := startZmq(t, 60*time.Second, "rep", "--reply", "pong", "--connect", back, "--count", "1")
	r := runZmq(t, 20*time.Second, "req", "--connect", front, "--timeout", "15s", "ping")
	wantSuccess(t, r)
	if r.stdout != "pong\n" {
		t.Errorf("req through the proxy printed %q", r.stdout)
	}
	wantSuccess(t, rep())
}

func TestMonitor(t *testing.T) {
	ep := freeTCP(t)
	r := runZmq(t, 10*time.Second, "monitor", "--type", "PULL", "--bind", ep, "--count", "1")
	wantSuccess(t, r)
	if !strings.Contains(r.stdout, "LISTENING "+ep) {
		t.Errorf("monitor printed %q", r.stdout)
	}
}

// An interrupt ends a command that would wait forever, at once and quietly.
func TestInterrupt(t *testing.T) {
	cmd, stdout, _ := zmqCmd(t, 10*time.Second, "recv", "--bind", "tcp://127.0.0.1:*")
	cmd.Stderr = nil
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// "bound ..." means it is past start-up and waiting for messages.
	line, err := bufio.NewReader(stderr).ReadString('\n')
	if !strings.HasPrefix(line, "bound tcp://127.0.0.1:") {
		t.Fatalf("first line on stderr: %q, %v", line, err)
	}
	cmd.Process.Signal(os.Interrupt)
	r := finish(t, cmd.Wait(), stdout, new(bytes.Buffer))
	if r.code != 130 {
		t.Errorf("exit status %d after an interrupt, want 130", r.code)
	}
}
