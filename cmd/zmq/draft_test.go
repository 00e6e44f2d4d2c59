package main

import (
	"net"
	"strings"
	"testing"
	"time"
)

// freeUDP returns a loopback udp endpoint that was free a moment ago.
func freeUDP(t *testing.T) string {
	t.Helper()
	c, err := net.ListenPacket("udp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	return "udp://" + c.LocalAddr().String()
}

// sendUntilReceived runs zmq send until the receiver, which takes one
// message, has it and exits: over udp, or to a DISH whose JOIN may not
// have arrived yet, a send succeeds whether or not anyone heard it.
func sendUntilReceived(t *testing.T, recv func() result, args ...string) result {
	t.Helper()
	done := make(chan result, 1)
	go func() { done <- recv() }()
	deadline := time.Now().Add(45 * time.Second)
	for {
		r := runZmq(t, 20*time.Second, append([]string{"send", "--timeout", "3s"}, args...)...)
		if r.code != 0 && !strings.Contains(r.stderr, "no peer took the messages") {
			t.Fatalf("send: exit status %d: %s", r.code, r.stderr)
		}
		select {
		case got := <-done:
			return got
		case <-time.After(200 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatal("the receiver never got a message")
		}
	}
}

// A RADIO sends in --group; a DISH receives the groups it --joins and
// prints each message after its group; over udp and tcp.
func TestRadioDishCLI(t *testing.T) {
	for _, ep := range []string{freeUDP(t), freeTCP(t)} {
		t.Run(ep[:3], func(t *testing.T) {
			dish := startZmq(t, 60*time.Second, "recv", "--type", "DISH", "--join", "weather", "--join", "news",
				"--bind", ep, "--count", "1", "--timeout", "50s")
			connect := []string{"--connect", ep}
			if strings.HasPrefix(ep, "tcp") {
				connect = []string{"--connect", ep, "--delay", "100ms"}
			}
			r := sendUntilReceived(t, dish, append([]string{"--type", "RADIO", "--group", "news"}, append(connect, "extra")...)...)
			wantSuccess(t, r)
			if r.stdout != "news|extra\n" {
				t.Errorf("the DISH printed %q, want \"news|extra\\n\"", r.stdout)
			}
		})
	}
}

// zmq rep and req answer and ask as SERVER and CLIENT; a SERVER's zmq recv
// prints the routing id before each message.
func TestClientServerCLI(t *testing.T) {
	ep := freeTCP(t)
	rep := startZmq(t, 60*time.Second, "rep", "--type", "SERVER", "--echo", "--bind", ep, "--count", "2", "--timeout", "50s")
	r := runZmq(t, 20*time.Second, "req", "--type", "CLIENT", "--connect", ep, "--timeout", "15s", "ping", "pong")
	wantSuccess(t, r)
	if r.stdout != "ping\npong\n" {
		t.Errorf("req printed %q", r.stdout)
	}
	r = rep()
	wantSuccess(t, r)
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	if len(lines) != 2 || !strings.HasSuffix(lines[0], "|ping") || !strings.HasSuffix(lines[1], "|pong") ||
		strings.Split(lines[0], "|")[0] != strings.Split(lines[1], "|")[0] || strings.HasPrefix(lines[0], "0|") {
		t.Errorf("rep printed %q: want ID|ping and ID|pong, one non-zero ID", r.stdout)
	}

	// zmq send as a SERVER answers the first CLIENT to speak.
	ep = freeTCP(t)
	server := startZmq(t, 60*time.Second, "send", "--type", "SERVER", "--bind", ep, "--timeout", "50s", "welcome")
	r = runZmq(t, 20*time.Second, "req", "--type", "CLIENT", "--connect", ep, "--timeout", "15s", "hello")
	wantSuccess(t, r)
	if r.stdout != "welcome\n" {
		t.Errorf("the CLIENT printed %q, want welcome", r.stdout)
	}
	r = server()
	wantSuccess(t, r)
	if !strings.HasSuffix(r.stdout, "|hello\n") {
		t.Errorf("the SERVER printed %q, want ID|hello", r.stdout)
	}
}

// A PEER sends to the peer it connects to; DGRAM messages are address and
// body.
func TestPeerAndDgramCLI(t *testing.T) {
	ep := freeTCP(t)
	recv := startZmq(t, 60*time.Second, "recv", "--type", "PEER", "--bind", ep, "--count", "1", "--timeout", "50s")
	r := runZmq(t, 20*time.Second, "send", "--type", "PEER", "--connect", ep, "--timeout", "15s", "hi")
	wantSuccess(t, r)
	r = recv()
	wantSuccess(t, r)
	if !strings.HasSuffix(r.stdout, "|hi\n") || strings.HasPrefix(r.stdout, "0|") {
		t.Errorf("the PEER printed %q, want ID|hi", r.stdout)
	}

	to := freeUDP(t)
	recv = startZmq(t, 60*time.Second, "recv", "--type", "DGRAM", "--bind", to, "--count", "1", "--timeout", "50s")
	r = sendUntilReceived(t, recv, "--type", "DGRAM", "--bind", "udp://127.0.0.1:*", "--delimiter", "|",
		strings.TrimPrefix(to, "udp://")+"|datagram")
	wantSuccess(t, r)
	if !strings.HasPrefix(r.stdout, "127.0.0.1:") || !strings.HasSuffix(r.stdout, "|datagram\n") {
		t.Errorf("the DGRAM printed %q, want ADDRESS|datagram", r.stdout)
	}
}
