package zmq_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/purezmq/zmq"
	"github.com/purezmq/zmq/internal/zmtp"
)

// The ZAP tests run in contexts of their own, so that their handlers at
// inproc://zeromq.zap.01 never meet the sockets of other tests.

// zapTransports are the transports whose connections run a security
// handshake (inproc has none, as in libzmq).
var zapTransports = []struct {
	name     string
	endpoint func(t *testing.T) string
	address  string // what ZAP is told of the peer's address
}{
	{"tcp", func(*testing.T) string { return "tcp://127.0.0.1:*" }, "127.0.0.1"},
	{"ipc", func(t *testing.T) string { return "ipc://" + t.TempDir() + "/z" }, ""},
	{"ws", func(*testing.T) string { return "ws://127.0.0.1:*/z" }, "127.0.0.1"},
}

func newContext(t *testing.T) *zmq.Context {
	t.Helper()
	c := zmq.NewContext()
	t.Cleanup(func() { c.Close() })
	return c
}

func ctxSocket(t *testing.T, c *zmq.Context, typ zmq.Type, opts ...zmq.Option) *zmq.Socket {
	t.Helper()
	s, err := c.NewSocket(typ, append([]zmq.Option{zmq.WithLinger(0)}, opts...)...)
	if err != nil {
		t.Fatalf("NewSocket(%v): %v", typ, err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// serveZAP binds a REP handler in c that answers each request with
// answer's frames, and returns the requests it saw.
func serveZAP(t *testing.T, c *zmq.Context, answer func(req []string) []string) <-chan []string {
	t.Helper()
	rep := ctxSocket(t, c, zmq.REP)
	bind(t, rep, zmq.ZAPEndpoint)
	seen := make(chan []string, 100)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			m, err := rep.Recv(context.Background())
			if err != nil {
				return
			}
			req := make([]string, len(m.Frames))
			for i, f := range m.Frames {
				req[i] = string(f)
			}
			select {
			case seen <- req:
			default:
			}
			if err := rep.Send(context.Background(), zmq.NewMsgString(answer(req)...)); err != nil {
				return
			}
		}
	}()
	t.Cleanup(func() { rep.Close(); <-done })
	return seen
}

func metadata(props ...string) string {
	var m zmtp.Metadata
	for i := 0; i+1 < len(props); i += 2 {
		m = append(m, zmtp.Property{Name: props[i], Value: props[i+1]})
	}
	return string(zmtp.AppendMetadata(nil, m))
}

// recvMsg receives one message with its properties.
func recvMsg(t *testing.T, s *zmq.Socket) zmq.Msg {
	t.Helper()
	m, err := s.Recv(ctxT(t))
	if err != nil {
		t.Fatalf("Recv: %v", err)
	}
	return m
}

func wantProperty(t *testing.T, m zmq.Msg, name, want string) {
	t.Helper()
	if got, ok := m.Property(name); !ok || got != want {
		t.Fatalf("Property(%q) = %q, %v; want %q", name, got, ok, want)
	}
}

func TestZAPRequestAndReply(t *testing.T) {
	for _, tr := range zapTransports {
		t.Run(tr.name, func(t *testing.T) {
			c := newContext(t)
			requests := serveZAP(t, c, func(req []string) []string {
				return []string{"1.0", req[1], "200", "OK", "alice", metadata("Hello", "World")}
			})
			server := ctxSocket(t, c, zmq.PULL, zmq.WithPlainServer(), zmq.WithZAPDomain("global"),
				zmq.WithRoutingID([]byte("srv")))
			client := ctxSocket(t, c, zmq.PUSH, zmq.WithPlainClient("admin", "secret"))
			connect(t, client, bind(t, server, tr.endpoint(t)))
			send(t, client, "hi")
			m := recvMsg(t, server)
			if m.String() != "hi" {
				t.Fatalf("received %q", m.String())
			}
			wantProperty(t, m, "User-Id", "alice")
			wantProperty(t, m, "Hello", "World")
			wantProperty(t, m, "Socket-Type", "PUSH")

			req := <-requests
			want := []string{"1.0", req[1], "global", tr.address, "srv", "PLAIN", "admin", "secret"}
			if req[1] == "" || !equal(req, want) {
				t.Fatalf("ZAP request %q, want %q", req, want)
			}
		})
	}
}

func TestZAPRouterHandler(t *testing.T) {
	c := newContext(t)
	router, err := c.NewSocket(zmq.ROUTER, zmq.WithLinger(0))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { router.Close() })
	bind(t, router, zmq.ZAPEndpoint)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			m, err := router.Recv(context.Background())
			if err != nil {
				return
			}
			// [peer, "", "1.0", id, domain, address, routing id, mechanism, ...]
			f := m.Frames
			if len(f) < 8 || len(f[1]) != 0 {
				continue
			}
			reply := zmq.NewMsg(f[0], nil, []byte("1.0"), f[3], []byte("200"), []byte("OK"), []byte("bob"), nil)
			if router.Send(context.Background(), reply) != nil {
				return
			}
		}
	}()
	t.Cleanup(func() { router.Close(); <-done })

	server := ctxSocket(t, c, zmq.PULL, zmq.WithPlainServer())
	client := ctxSocket(t, c, zmq.PUSH, zmq.WithPlainClient("bob", "pw"))
	connect(t, client, bind(t, server, "tcp://127.0.0.1:*"))
	send(t, client, "hi")
	wantProperty(t, recvMsg(t, server), "User-Id", "bob")
}

func TestZAPNullAskedOnlyWithDomain(t *testing.T) {
	c := newContext(t)
	requests := serveZAP(t, c, func(req []string) []string {
		return []string{"1.0", req[1], "200", "OK", "nobody", ""}
	})

	plain := ctxSocket(t, c, zmq.PULL)
	client := ctxSocket(t, c, zmq.PUSH)
	connect(t, client, bind(t, plain, "tcp://127.0.0.1:*"))
	send(t, client, "no domain")
	if m := recvMsg(t, plain); m.String() != "no domain" {
		t.Fatalf("received %q", m.String())
	} else if uid, ok := m.Property("User-Id"); ok {
		t.Fatalf("User-Id %q without ZAP", uid)
	}
	select {
	case req := <-requests:
		t.Fatalf("NULL without a domain asked ZAP: %q", req)
	default:
	}

	withDomain := ctxSocket(t, c, zmq.PULL, zmq.WithZAPDomain("d"))
	client2 := ctxSocket(t, c, zmq.PUSH)
	connect(t, client2, bind(t, withDomain, "tcp://127.0.0.1:*"))
	send(t, client2, "domain")
	m := recvMsg(t, withDomain)
	wantProperty(t, m, "User-Id", "nobody")
	req := <-requests
	if want := []string{"1.0", req[1], "d", "127.0.0.1", "", "NULL"}; !equal(req, want) {
		t.Fatalf("ZAP request %q, want %q", req, want)
	}
}

func TestZAPMalformedReplyRefuses(t *testing.T) {
	cases := []struct {
		name   string
		answer func(req []string) []string
	}{
		{"short", func(req []string) []string { return []string{"1.0", req[1], "200"} }},
		{"version", func(req []string) []string { return []string{"2.0", req[1], "200", "OK", "u", ""} }},
		{"request id", func(req []string) []string { return []string{"1.0", req[1] + "x", "200", "OK", "u", ""} }},
		{"status code", func(req []string) []string { return []string{"1.0", req[1], "201", "OK", "u", ""} }},
		{"metadata", func(req []string) []string { return []string{"1.0", req[1], "200", "OK", "u", "\x05Hel"} }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := newContext(t)
			serveZAP(t, c, tc.answer)
			server := ctxSocket(t, c, zmq.PULL, zmq.WithPlainServer())
			mon := server.Monitor(zmq.EventHandshakeFailedAuth | zmq.EventHandshakeSucceeded)
			client := ctxSocket(t, c, zmq.PUSH, zmq.WithPlainClient("u", "p"))
			connect(t, client, bind(t, server, "tcp://127.0.0.1:*"))
			e := nextEvent(t, mon, zmq.EventHandshakeFailedAuth, zmq.EventHandshakeSucceeded)
			if e.Type != zmq.EventHandshakeFailedAuth || !strings.Contains(e.Err.Error(), "malformed ZAP reply") {
				t.Fatalf("event %v, want an authentication failure for a malformed reply", e)
			}
		})
	}
}

func TestZAPHandlerNeverReplies(t *testing.T) {
	c := newContext(t)
	// A handler that takes requests and never answers.
	silent := ctxSocket(t, c, zmq.REP)
	bind(t, silent, zmq.ZAPEndpoint)

	const timeout = 300 * time.Millisecond
	server := ctxSocket(t, c, zmq.PULL, zmq.WithPlainServer(), zmq.WithHandshakeTimeout(timeout))
	mon := server.Monitor(zmq.EventHandshakeFailedAuth | zmq.EventHandshakeSucceeded)
	client := ctxSocket(t, c, zmq.PUSH, zmq.WithPlainClient("u", "p"))
	start := time.Now()
	connect(t, client, bind(t, server, "tcp://127.0.0.1:*"))
	e := nextEvent(t, mon, zmq.EventHandshakeFailedAuth, zmq.EventHandshakeSucceeded)
	elapsed := time.Since(start)
	if e.Type != zmq.EventHandshakeFailedAuth || !strings.Contains(e.Err.Error(), "did not reply in time") {
		t.Fatalf("event %v, want a ZAP timeout", e)
	}
	if elapsed < timeout-50*time.Millisecond || elapsed > timeout+3*time.Second {
		t.Fatalf("refused after %v, want about %v", elapsed, timeout)
	}

	// NULL without a domain does not ask, so the silent handler is no
	// obstacle.
	pull := ctxSocket(t, c, zmq.PULL)
	push := ctxSocket(t, c, zmq.PUSH)
	connect(t, push, bind(t, pull, "tcp://127.0.0.1:*"))
	send(t, push, "through")
	expect(t, pull, "through")
}

func TestZAPServerCloseDoesNotWaitForHandler(t *testing.T) {
	c := newContext(t)
	silent := ctxSocket(t, c, zmq.REP)
	bind(t, silent, zmq.ZAPEndpoint)
	server, err := c.NewSocket(zmq.PULL, zmq.WithLinger(0), zmq.WithPlainServer(), zmq.WithHandshakeTimeout(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	client := ctxSocket(t, c, zmq.PUSH, zmq.WithPlainClient("u", "p"))
	connect(t, client, bind(t, server, "tcp://127.0.0.1:*"))
	recvMsg(t, silent) // the handshake now waits for the verdict
	start := time.Now()
	server.Close()
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("Close took %v while a handshake waited for ZAP", d)
	}
}

func TestZAPHandlerClosingRefusesWaitingHandshake(t *testing.T) {
	c := newContext(t)
	silent := ctxSocket(t, c, zmq.REP)
	bind(t, silent, zmq.ZAPEndpoint)
	server := ctxSocket(t, c, zmq.PULL, zmq.WithPlainServer(), zmq.WithHandshakeTimeout(time.Minute))
	mon := server.Monitor(zmq.EventHandshakeFailedAuth)
	client := ctxSocket(t, c, zmq.PUSH, zmq.WithPlainClient("u", "p"))
	connect(t, client, bind(t, server, "tcp://127.0.0.1:*"))
	// Once the handler has the request, close it.
	recvMsg(t, silent)
	silent.Close()
	e := nextEvent(t, mon, zmq.EventHandshakeFailedAuth)
	if !strings.Contains(e.Err.Error(), "went away") {
		t.Fatalf("event %v, want the handler gone", e)
	}
}

func TestZAPNoHandler(t *testing.T) {
	c := newContext(t)
	// CURVE without a handler lets any client in (libzmq's Stonehouse).
	serverPub, serverSec, _ := zmq.NewCurveKeyPair()
	clientPub, clientSec, _ := zmq.NewCurveKeyPair()
	cs := ctxSocket(t, c, zmq.PULL, zmq.WithCurveServer(serverSec))
	cc := ctxSocket(t, c, zmq.PUSH, zmq.WithCurveClient(serverPub, clientPub, clientSec))
	connect(t, cc, bind(t, cs, "tcp://127.0.0.1:*"))
	send(t, cc, "curve")
	if m := recvMsg(t, cs); m.String() != "curve" {
		t.Fatalf("received %q", m.String())
	}

	// PLAIN without a handler refuses every client, as libzmq 4.3.
	ps := ctxSocket(t, c, zmq.PULL, zmq.WithPlainServer())
	mon := ps.Monitor(zmq.EventHandshakeFailedAuth | zmq.EventHandshakeFailedNoDetail | zmq.EventHandshakeSucceeded)
	pc := ctxSocket(t, c, zmq.PUSH, zmq.WithPlainClient("u", "p"))
	connect(t, pc, bind(t, ps, "tcp://127.0.0.1:*"))
	if e := nextEvent(t, mon, zmq.EventHandshakeFailedAuth, zmq.EventHandshakeFailedNoDetail, zmq.EventHandshakeSucceeded); e.Type == zmq.EventHandshakeSucceeded {
		t.Fatal("PLAIN server let a client in without a ZAP handler")
	}
}
