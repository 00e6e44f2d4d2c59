package zmq_test

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/purezmq/zmq"
)

// streamDial opens a plain TCP (or unix) connection to a STREAM's endpoint.
func streamDial(t *testing.T, endpoint string) net.Conn {
	t.Helper()
	network, addr := "tcp", strings.TrimPrefix(endpoint, "tcp://")
	if rest, ok := strings.CutPrefix(endpoint, "ipc://"); ok {
		network, addr = "unix", rest
	}
	c, err := net.DialTimeout(network, addr, testTimeout)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	_ = c.SetDeadline(time.Now().Add(testTimeout))
	return c
}

// streamRecv receives one STREAM message and checks its shape.
func streamRecv(t *testing.T, s *zmq.Socket) (id, data []byte) {
	t.Helper()
	m, err := s.Recv(ctxT(t))
	if err != nil {
		t.Fatalf("Recv: %v", err)
	}
	if len(m.Frames) != 2 {
		t.Fatalf("STREAM message of %d frames %q, want 2", len(m.Frames), m.Frames)
	}
	return m.Frames[0], m.Frames[1]
}

// streamNotice receives a connect or disconnect notice and returns its id.
func streamNotice(t *testing.T, s *zmq.Socket) []byte {
	t.Helper()
	id, data := streamRecv(t, s)
	if len(data) != 0 {
		t.Fatalf("received %q from %x, want a notice (empty frame)", data, id)
	}
	if len(id) == 0 {
		t.Fatal("notice with an empty routing id")
	}
	return id
}

// streamRecvBytes receives from peer id until want has arrived (TCP may split
// it), failing on anything else.
func streamRecvBytes(t *testing.T, s *zmq.Socket, id []byte, want string) {
	t.Helper()
	var got []byte
	for len(got) < len(want) {
		from, data := streamRecv(t, s)
		if !bytes.Equal(from, id) {
			t.Fatalf("data from %x, want %x", from, id)
		}
		if len(data) == 0 {
			t.Fatalf("notice after %q, want %q", got, want)
		}
		got = append(got, data...)
	}
	if string(got) != want {
		t.Fatalf("received %q, want %q", got, want)
	}
}

func streamSend(t *testing.T, s *zmq.Socket, id []byte, data string) {
	t.Helper()
	if err := s.Send(ctxT(t), zmq.NewMsg(id, []byte(data))); err != nil {
		t.Fatalf("Send to %x: %v", id, err)
	}
}

func streamReadFull(t *testing.T, c net.Conn, want string) {
	t.Helper()
	buf := make([]byte, len(want))
	if _, err := io.ReadFull(c, buf); err != nil {
		t.Fatalf("reading %q: %v", want, err)
	}
	if string(buf) != want {
		t.Fatalf("peer read %q, want %q", buf, want)
	}
}

func streamExpectEOF(t *testing.T, c net.Conn) {
	t.Helper()
	var b [1]byte
	if n, err := c.Read(b[:]); err != io.EOF {
		t.Fatalf("read %d bytes, %v; want EOF", n, err)
	}
}

func TestStreamServerRawClient(t *testing.T) {
	for _, tr := range transports {
		if strings.HasPrefix(tr.endpoint(t), "inproc://") {
			continue // no byte stream there
		}
		t.Run(tr.name, func(t *testing.T) {
			srv := newSocket(t, zmq.STREAM)
			ep := bind(t, srv, tr.endpoint(t))
			c := streamDial(t, ep)
			id := streamNotice(t, srv)
			if len(id) != 5 || id[0] != 0 {
				t.Fatalf("routing id %x, want 5 bytes starting with 0", id)
			}

			if _, err := c.Write([]byte("hello")); err != nil {
				t.Fatal(err)
			}
			streamRecvBytes(t, srv, id, "hello")
			streamSend(t, srv, id, "world")
			streamReadFull(t, c, "world")

			c.Close()
			if got := streamNotice(t, srv); !bytes.Equal(got, id) {
				t.Fatalf("disconnect notice from %x, want %x", got, id)
			}
			// The id is gone once its disconnect notice is received.
			err := srv.Send(ctxT(t), zmq.NewMsg(id, []byte("late")))
			if !errors.Is(err, zmq.ErrHostUnreachable) {
				t.Fatalf("Send to a gone peer: %v, want ErrHostUnreachable", err)
			}
		})
	}
}

func TestStreamPeerAddress(t *testing.T) {
	srv := newSocket(t, zmq.STREAM)
	c := streamDial(t, bind(t, srv, "tcp://127.0.0.1:*"))
	m, err := srv.Recv(ctxT(t))
	if err != nil {
		t.Fatal(err)
	}
	if addr, ok := m.Property("Peer-Address"); !ok || addr != "127.0.0.1" {
		t.Fatalf("Peer-Address %q %v, want 127.0.0.1", addr, ok)
	}
	c.Write([]byte("x"))
	m, err = srv.Recv(ctxT(t))
	if err != nil {
		t.Fatal(err)
	}
	if addr, _ := m.Property("Peer-Address"); addr != "127.0.0.1" {
		t.Fatalf("data's Peer-Address %q, want 127.0.0.1", addr)
	}
}

func TestStreamAppClosesPeer(t *testing.T) {
	srv := newSocket(t, zmq.STREAM)
	ep := bind(t, srv, "tcp://127.0.0.1:*")
	c := streamDial(t, ep)
	id := streamNotice(t, srv)

	streamSend(t, srv, id, "bye")
	streamSend(t, srv, id, "")
	streamReadFull(t, c, "bye") // what was sent before the close is written
	streamExpectEOF(t, c)

	if err := srv.Send(ctxT(t), zmq.NewMsg(id, []byte("x"))); !errors.Is(err, zmq.ErrHostUnreachable) {
		t.Fatalf("Send after closing: %v, want ErrHostUnreachable", err)
	}
	// No disconnect notice follows a close the application asked for: the
	// next message is the next peer's connect notice.
	streamDial(t, ep)
	if next := streamNotice(t, srv); bytes.Equal(next, id) {
		t.Fatalf("got a notice for the closed peer %x", id)
	}
}

func TestStreamSendErrors(t *testing.T) {
	srv := newSocket(t, zmq.STREAM)
	ep := bind(t, srv, "tcp://127.0.0.1:*")
	streamDial(t, ep)
	id := streamNotice(t, srv)
	for _, frames := range [][][]byte{{id}, {id, []byte("a"), []byte("b")}} {
		if err := srv.Send(ctxT(t), zmq.NewMsg(frames...)); !errors.Is(err, zmq.ErrInvalid) {
			t.Fatalf("Send of %d frames: %v, want ErrInvalid", len(frames), err)
		}
	}
	for _, bad := range [][]byte{{0, 1, 2, 3, 4}, {}, []byte("nobody")} {
		if bytes.Equal(bad, id) {
			continue
		}
		if err := srv.Send(ctxT(t), zmq.NewMsg(bad, []byte("x"))); !errors.Is(err, zmq.ErrHostUnreachable) {
			t.Fatalf("Send to unknown id %x: %v, want ErrHostUnreachable", bad, err)
		}
		// Closing an unknown peer is just as unroutable.
		if err := srv.Send(ctxT(t), zmq.NewMsg(bad, nil)); !errors.Is(err, zmq.ErrHostUnreachable) {
			t.Fatalf("closing unknown id %x: %v, want ErrHostUnreachable", bad, err)
		}
	}
}

func TestStreamManyClients(t *testing.T) {
	srv := newSocket(t, zmq.STREAM)
	ep := bind(t, srv, "tcp://127.0.0.1:*")
	const n = 5
	conns := make([]net.Conn, n)
	ids := map[string]bool{}
	for i := range conns {
		conns[i] = streamDial(t, ep)
	}
	for range conns {
		id := streamNotice(t, srv)
		if ids[string(id)] {
			t.Fatalf("id %x given twice", id)
		}
		ids[string(id)] = true
	}
	for i, c := range conns {
		fmt.Fprintf(c, "client %d", i)
	}
	// Each client's bytes come with its own id: the answer goes back to
	// the client that asked.
	got := map[string][]byte{}
	for done := 0; done < n; {
		id, data := streamRecv(t, srv)
		if !ids[string(id)] || len(data) == 0 {
			t.Fatalf("unexpected %x %q", id, data)
		}
		got[string(id)] = append(got[string(id)], data...)
		if len(got[string(id)]) == len("client 0") {
			done++
			streamSend(t, srv, []byte(id), "re: "+string(got[string(id)]))
		}
	}
	for i, c := range conns {
		streamReadFull(t, c, fmt.Sprintf("re: client %d", i))
	}
}

// TestStreamBackpressure echoes a megabyte through a STREAM whose queues
// hold two messages: the raw reader waits for room rather than dropping.
func TestStreamBackpressure(t *testing.T) {
	srv := newSocket(t, zmq.STREAM, zmq.WithRecvHWM(2), zmq.WithSendHWM(2))
	c := streamDial(t, bind(t, srv, "tcp://127.0.0.1:*"))
	id := streamNotice(t, srv)
	payload := make([]byte, 1<<20)
	for i := range payload {
		payload[i] = byte(i * 31)
	}
	writeErr := make(chan error, 1)
	go func() {
		_, err := c.Write(payload)
		writeErr <- err
	}()
	echoed := make(chan []byte, 1)
	go func() {
		b := make([]byte, len(payload))
		_, err := io.ReadFull(c, b)
		if err != nil {
			b = nil
		}
		echoed <- b
	}()
	for n := 0; n < len(payload); {
		from, data := streamRecv(t, srv)
		if !bytes.Equal(from, id) || len(data) == 0 {
			t.Fatalf("unexpected %x with %d bytes", from, len(data))
		}
		n += len(data)
		if err := srv.Send(ctxT(t), zmq.NewMsg(id, data)); err != nil {
			t.Fatal(err)
		}
	}
	if err := <-writeErr; err != nil {
		t.Fatal(err)
	}
	if got := <-echoed; !bytes.Equal(got, payload) {
		t.Fatal("echo differs from what was sent")
	}
}

// TestStreamClient connects a STREAM to a plain TCP server: the STREAM is a
// raw client that keeps its id across reconnections, until the application
// closes the connection.
func TestStreamClient(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	accept := func() net.Conn {
		t.Helper()
		ln.(*net.TCPListener).SetDeadline(time.Now().Add(testTimeout))
		c, err := ln.Accept()
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		c.SetDeadline(time.Now().Add(testTimeout))
		return c
	}

	cli := newSocket(t, zmq.STREAM, zmq.WithReconnectInterval(10*time.Millisecond, 0))
	connect(t, cli, "tcp://"+ln.Addr().String())
	conn := accept()
	id := streamNotice(t, cli)

	conn.Write([]byte("220 ready\r\n"))
	streamRecvBytes(t, cli, id, "220 ready\r\n")
	streamSend(t, cli, id, "HELO\r\n")
	streamReadFull(t, conn, "HELO\r\n")

	// The server hangs up: a disconnect notice, then the STREAM dials
	// again and the same id is connected anew.
	conn.Close()
	if got := streamNotice(t, cli); !bytes.Equal(got, id) {
		t.Fatalf("disconnect notice from %x, want %x", got, id)
	}
	conn = accept()
	if got := streamNotice(t, cli); !bytes.Equal(got, id) {
		t.Fatalf("reconnected as %x, want %x", got, id)
	}
	streamSend(t, cli, id, "again")
	streamReadFull(t, conn, "again")

	// The application closes the connection: the server sees EOF after
	// what was sent, and the STREAM does not dial again.
	streamSend(t, cli, id, "QUIT\r\n")
	streamSend(t, cli, id, "")
	streamReadFull(t, conn, "QUIT\r\n")
	streamExpectEOF(t, conn)
	if err := cli.Send(ctxT(t), zmq.NewMsg(id, []byte("x"))); !errors.Is(err, zmq.ErrHostUnreachable) {
		t.Fatalf("Send after closing: %v, want ErrHostUnreachable", err)
	}
	ln.(*net.TCPListener).SetDeadline(time.Now().Add(200 * time.Millisecond))
	if c, err := ln.Accept(); err == nil {
		c.Close()
		t.Fatal("the STREAM reconnected after the application closed its connection")
	}
}

// TestStreamQueuesWhileReconnecting: what a connecting STREAM sends while
// its server is away waits for the next connection, as libzmq's does.
func TestStreamQueuesWhileReconnecting(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	cli := newSocket(t, zmq.STREAM, zmq.WithReconnectInterval(10*time.Millisecond, 0))
	connect(t, cli, "tcp://"+addr)
	c, err := ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	id := streamNotice(t, cli)
	ln.Close()
	c.Close()
	streamNotice(t, cli)
	streamSend(t, cli, id, "queued")

	ln, err = net.Listen("tcp", addr)
	if err != nil {
		t.Skipf("cannot listen on %s again: %v", addr, err)
	}
	defer ln.Close()
	c, err = ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(testTimeout))
	streamReadFull(t, c, "queued")
	streamNotice(t, cli)
}

// TestStreamHTTPServer serves net/http's client from a STREAM.
func TestStreamHTTPServer(t *testing.T) {
	srv := newSocket(t, zmq.STREAM)
	ep := bind(t, srv, "tcp://127.0.0.1:*")
	served := make(chan error, 1)
	go func() { served <- streamServeHTTP(srv) }()

	tr := &http.Transport{DisableKeepAlives: true}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: testTimeout}
	resp, err := client.Get("http://" + strings.TrimPrefix(ep, "tcp://") + "/hello")
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 200 || string(body) != "hello, /hello" {
		t.Fatalf("got %d %q", resp.StatusCode, body)
	}
	if err := <-served; err != nil {
		t.Fatal(err)
	}
}

// streamServeHTTP answers one HTTP request and closes the connection.
func streamServeHTTP(s *zmq.Socket) error {
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	var req []byte
	for {
		m, err := s.Recv(ctx)
		if err != nil {
			return err
		}
		id, data := m.Frames[0], m.Frames[1]
		if len(data) == 0 {
			continue // the connect notice
		}
		req = append(req, data...)
		if !bytes.Contains(req, []byte("\r\n\r\n")) {
			continue
		}
		r, err := http.ReadRequest(bufio.NewReader(bytes.NewReader(req)))
		if err != nil {
			return err
		}
		body := "hello, " + r.URL.Path
		resp := fmt.Sprintf("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s", len(body), body)
		if err := s.Send(ctx, zmq.NewMsg(id, []byte(resp))); err != nil {
			return err
		}
		// The client may have hung up already, having read it all.
		if err := s.Send(ctx, zmq.NewMsg(id, nil)); !errors.Is(err, zmq.ErrHostUnreachable) {
			return err
		}
		return nil
	}
}

// TestStreamHTTPClient fetches a page from net/http's server with a
// connecting STREAM.
func TestStreamHTTPClient(t *testing.T) {
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "you asked for %s", r.URL.Path)
	}))
	defer hs.Close()
	cli := newSocket(t, zmq.STREAM)
	connect(t, cli, "tcp://"+strings.TrimPrefix(hs.URL, "http://"))
	id := streamNotice(t, cli)
	streamSend(t, cli, id, "GET /page HTTP/1.0\r\nHost: test\r\n\r\n")
	// An HTTP/1.0 server answers and hangs up: read until the notice.
	var resp []byte
	for {
		from, data := streamRecv(t, cli)
		if !bytes.Equal(from, id) {
			t.Fatalf("data from %x, want %x", from, id)
		}
		if len(data) == 0 {
			break
		}
		resp = append(resp, data...)
	}
	r, err := http.ReadResponse(bufio.NewReader(bytes.NewReader(resp)), nil)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(r.Body)
	if r.StatusCode != 200 || string(body) != "you asked for /page" {
		t.Fatalf("got %d %q", r.StatusCode, body)
	}
	cli.Close() // stop it reconnecting before the server closes
}

// TestStreamConnectRoutingID names a connecting STREAM's peer, so the
// application can send before the connection is even made.
func TestStreamConnectRoutingID(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	cli := newSocket(t, zmq.STREAM)
	if err := cli.SetOptions(zmq.WithConnectRoutingID([]byte("server-1"))); err != nil {
		t.Fatal(err)
	}
	connect(t, cli, "tcp://"+ln.Addr().String())
	streamSend(t, cli, []byte("server-1"), "early")
	c, err := ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(testTimeout))
	streamReadFull(t, c, "early")
	if id := streamNotice(t, cli); string(id) != "server-1" {
		t.Fatalf("connect notice from %q, want server-1", id)
	}

	// The name is for one connect: the next gets a made-up id.
	connect(t, cli, "tcp://"+ln.Addr().String())
	c2, err := ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	defer c2.Close()
	if id := streamNotice(t, cli); len(id) != 5 || id[0] != 0 {
		t.Fatalf("second connect's id %q, want a made-up one", id)
	}
}

func TestStreamNotifyOff(t *testing.T) {
	s := newSocket(t, zmq.STREAM, zmq.WithStreamNotify(false))
	ep := bind(t, s, "tcp://127.0.0.1:*")
	conn, err := net.Dial("tcp", strings.TrimPrefix(ep, "tcp://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.Write([]byte("data first")); err != nil {
		t.Fatal(err)
	}
	m, err := s.Recv(ctxT(t))
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Frames) != 2 || string(m.Frames[1]) != "data first" {
		t.Fatalf("first message %q: want the data, no connect notice", m.Frames)
	}
}
