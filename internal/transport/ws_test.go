package transport

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/purezmq/zmq/internal/testcert"
	"github.com/purezmq/zmq/internal/zws"
)

func TestListenWS(t *testing.T) {
	for _, tt := range []struct{ in, prefix, path string }{
		{"ws://127.0.0.1:*/zmq", "ws://127.0.0.1:", "/zmq"},
		{"ws://127.0.0.1:*", "ws://127.0.0.1:", ""},
		{"wss://[::1]:*/a/b", "wss://[::1]:", "/a/b"},
	} {
		ep, err := Parse(tt.in)
		if err != nil {
			t.Fatal(err)
		}
		l, err := Listen(ep)
		if err != nil {
			t.Fatalf("Listen(%s): %v", tt.in, err)
		}
		got := l.Endpoint()
		l.Close()
		if !strings.HasPrefix(got, tt.prefix) || !strings.HasSuffix(got, tt.path) || strings.Contains(got, "*") {
			t.Errorf("Listen(%s).Endpoint() = %q", tt.in, got)
		}
		if !l.WebSocket() || l.Path() != tt.path {
			t.Errorf("%s: WebSocket %v, Path %q", tt.in, l.WebSocket(), l.Path())
		}
	}
}

// serveOne accepts one connection on l and answers its upgrade.
func serveOne(t *testing.T, l *Listener, mechanism string) <-chan *WebSocket {
	done := make(chan *WebSocket, 1)
	go func() {
		conn, err := l.Accept()
		if err != nil {
			done <- nil
			return
		}
		ws, err := l.AcceptWebSocket(conn, mechanism, 5*time.Second)
		if err != nil {
			t.Log("AcceptWebSocket:", err)
		}
		done <- ws
	}()
	return done
}

func testListenWS(t *testing.T, endpoint string) (*Listener, Endpoint) {
	t.Helper()
	ep, _ := Parse(endpoint)
	l, err := Listen(ep)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	bound, _ := Parse(l.Endpoint())
	return l, bound
}

func TestWebSocketUpgrade(t *testing.T) {
	serverTLS, clientTLS := testcert.TLS(t)
	for _, scheme := range []string{"ws", "wss"} {
		t.Run(scheme, func(t *testing.T) {
			l, ep := testListenWS(t, scheme+"://127.0.0.1:*/zmq")
			if scheme == "wss" {
				l.UseTLS(serverTLS)
			}
			served := serveOne(t, l, "CURVE")
			client, err := DialWebSocket(context.Background(), ep, Tuning{}, WebSocketOptions{TLS: clientTLS, Protocols: zws.Offer("CURVE"), Timeout: 5 * time.Second})
			if err != nil {
				t.Fatal(err)
			}
			defer client.Conn.Close()
			server := <-served
			if server == nil {
				t.Fatal("server side failed")
			}
			defer server.Conn.Close()
			if client.Protocol != zws.ProtocolCurve || server.Protocol != zws.ProtocolCurve {
				t.Fatalf("protocols %q and %q", client.Protocol, server.Protocol)
			}
			if _, err := server.Conn.Write([]byte("ping")); err != nil {
				t.Fatal(err)
			}
			got := make([]byte, 4)
			if _, err := io.ReadFull(io.MultiReader(strings.NewReader(string(client.Buffered)), client.Conn), got); err != nil || string(got) != "ping" {
				t.Fatalf("read %q, %v", got, err)
			}
		})
	}
}

// The first frames may come in the same read as the 101: they must not be
// lost.
func TestWebSocketKeepsBytesAfterHandshake(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		conn, err := ln.Accept()
		if err != nil {
			return
		}
		defer conn.Close()
		r, err := http.ReadRequest(bufio.NewReader(conn))
		if err != nil {
			return
		}
		accept, protocol, _ := zws.CheckRequest(r, "NULL")
		_, _ = conn.Write(append(zws.AppendResponse(nil, accept, protocol), "first frames"...))
		_, _ = io.Copy(io.Discard, conn)
	}()
	ep, _ := Parse("ws://" + ln.Addr().String() + "/x")
	ws, err := DialWebSocket(context.Background(), ep, Tuning{}, WebSocketOptions{Protocols: zws.Offer("NULL")})
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Conn.Close()
	got := make([]byte, len("first frames"))
	if _, err := io.ReadFull(io.MultiReader(strings.NewReader(string(ws.Buffered)), ws.Conn), got); err != nil || string(got) != "first frames" {
		t.Fatalf("read %q, %v", got, err)
	}
}

// rawExchange sends request to a fresh connection to l's upgrade and
// returns the HTTP status answered (0: none) and AcceptWebSocket's error.
func rawExchange(t *testing.T, l *Listener, ep Endpoint, request string, timeout time.Duration) (int, error) {
	t.Helper()
	errc := make(chan error, 1)
	go func() {
		conn, err := l.Accept()
		if err != nil {
			errc <- err
			return
		}
		_, err = l.AcceptWebSocket(conn, "NULL", timeout)
		errc <- err
	}()
	conn, err := net.Dial("tcp", ep.Stream().Address)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := io.WriteString(conn, request); err != nil {
		t.Fatal(err)
	}
	err = <-errc
	_ = conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	resp, rerr := http.ReadResponse(bufio.NewReader(conn), nil)
	if rerr != nil {
		return 0, err
	}
	resp.Body.Close()
	return resp.StatusCode, err
}

func TestAcceptWebSocketRefuses(t *testing.T) {
	l, ep := testListenWS(t, "ws://127.0.0.1:*/zmq")
	good := string(zws.AppendRequest(nil, ep.Stream().Address, "/zmq", zws.NewKey([16]byte{1}), zws.Offer("NULL")))
	tests := []struct {
		name    string
		request string
		status  int
	}{
		{"wrong path", strings.Replace(good, "/zmq", "/other", 1), http.StatusNotFound},
		{"wrong subprotocol", strings.Replace(good, "ZWS2.0/NULL, ZWS2.0", "ZWS2.0/CURVE", 1), http.StatusBadRequest},
		{"no subprotocol", strings.Replace(good, "Sec-WebSocket-Protocol: ZWS2.0/NULL, ZWS2.0\r\n", "", 1), http.StatusBadRequest},
		{"plain HTTP", "GET /zmq HTTP/1.1\r\nHost: x\r\n\r\n", http.StatusBadRequest},
		{"not HTTP", "\x16\x03\x01 a TLS hello, say\r\n\r\n", http.StatusBadRequest},
		{"ZMTP greeting", "\xff\x00\x00\x00\x00\x00\x00\x00\x01\x7f" + strings.Repeat("\x00", 54) + "\r\n\r\n", http.StatusBadRequest},
		{"headers too big", "GET /zmq HTTP/1.1\r\nX: " + strings.Repeat("a", maxUpgradeBytes) + "\r\n\r\n", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, err := rawExchange(t, l, ep, tt.request, 5*time.Second)
			if err == nil || status != tt.status {
				t.Fatalf("status %d err %v, want status %d and an error", status, err, tt.status)
			}
		})
	}
}

func TestAcceptWebSocketStall(t *testing.T) {
	l, ep := testListenWS(t, "ws://127.0.0.1:*/zmq")
	_, err := rawExchange(t, l, ep, "GET /zmq HTTP/1.1\r\n", 100*time.Millisecond)
	if !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("err %v, want a deadline error", err)
	}
}

func TestDialWebSocketRefused(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	defer srv.Close()
	ep, _ := Parse("ws://" + strings.TrimPrefix(srv.URL, "http://") + "/zmq")
	_, err := DialWebSocket(context.Background(), ep, Tuning{}, WebSocketOptions{Protocols: zws.Offer("NULL")})
	if err == nil || !strings.Contains(err.Error(), "404") {
		t.Fatalf("err %v, want the 404", err)
	}
	wss, _ := Parse("wss://" + strings.TrimPrefix(srv.URL, "http://") + "/zmq")
	if _, err := DialWebSocket(context.Background(), wss, Tuning{}, WebSocketOptions{}); !errors.Is(err, ErrEndpoint) {
		t.Fatalf("wss without TLS: %v", err)
	}
}

func TestDialWebSocketCancelled(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	held := make(chan net.Conn, 1)
	go func() {
		conn, err := ln.Accept()
		if err == nil {
			held <- conn // never answers the upgrade
		}
	}()
	ctx, cancel := context.WithCancel(context.Background())
	ep, _ := Parse("ws://" + ln.Addr().String())
	errc := make(chan error, 1)
	go func() {
		_, err := DialWebSocket(ctx, ep, Tuning{}, WebSocketOptions{Protocols: zws.Offer("NULL")})
		errc <- err
	}()
	conn := <-held
	defer conn.Close()
	cancel()
	if err := <-errc; !errors.Is(err, context.Canceled) {
		t.Fatalf("err %v, want context.Canceled", err)
	}
}

func TestUpgradeHTTP(t *testing.T) {
	got := make(chan *WebSocket, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ws, err := UpgradeHTTP(w, r, "PLAIN")
		if err != nil {
			return
		}
		got <- ws
	}))
	defer srv.Close()
	ep, _ := Parse("ws://" + strings.TrimPrefix(srv.URL, "http://") + "/any")
	client, err := DialWebSocket(context.Background(), ep, Tuning{}, WebSocketOptions{Protocols: zws.Offer("PLAIN")})
	if err != nil {
		t.Fatal(err)
	}
	defer client.Conn.Close()
	server := <-got
	defer server.Conn.Close()
	if client.Protocol != zws.ProtocolPlain || server.Protocol != zws.ProtocolPlain {
		t.Fatalf("protocols %q, %q", client.Protocol, server.Protocol)
	}
	// A NULL client is refused by a PLAIN server, with the reason.
	resp, err := http.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(string(body), "Connection: Upgrade") {
		t.Fatalf("plain GET: %d %q", resp.StatusCode, body)
	}
}
