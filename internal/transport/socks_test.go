package transport

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"strings"
	"testing"
	"time"
)

// fakeProxy accepts one connection and runs script on it.
func fakeProxy(t *testing.T, script func(c net.Conn)) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		script(c)
	}()
	t.Cleanup(func() { ln.Close(); <-done })
	return ln.Addr().String()
}

// A proxy that refuses, answers garbage, rejects the login or says nothing
// fails the dial with ErrProxy and a reason, in bounded time.
func TestSOCKSFailures(t *testing.T) {
	skip := func(c net.Conn, n int) { io.ReadFull(c, make([]byte, n)) }
	cases := []struct {
		name   string
		auth   bool
		script func(c net.Conn)
		says   string
	}{
		{"not SOCKS5", false, func(c net.Conn) { skip(c, 3); c.Write([]byte("HTTP/1.1 400 Bad Request\r\n")) }, "not a SOCKS5 proxy"},
		{"no method", false, func(c net.Conn) { skip(c, 3); c.Write([]byte{5, 0xff}) }, "accepts none of our methods"},
		{"unoffered method", false, func(c net.Conn) { skip(c, 3); c.Write([]byte{5, 2}) }, "was not offered"},
		{"login refused", true, func(c net.Conn) { skip(c, 4); c.Write([]byte{5, 2}); skip(c, 2+3+1+3); c.Write([]byte{1, 1}) }, "refused the user name and password"},
		{"connection refused", false, func(c net.Conn) {
			skip(c, 3)
			c.Write([]byte{5, 0})
			skip(c, 10)
			c.Write([]byte{5, 5, 0, 1, 0, 0, 0, 0, 0, 0})
		}, "connection refused"},
		{"bad address type", false, func(c net.Conn) { skip(c, 3); c.Write([]byte{5, 0}); skip(c, 10); c.Write([]byte{5, 0, 0, 9, 0}) }, "address type 0x9"},
		{"cut short", false, func(c net.Conn) { skip(c, 3); c.Write([]byte{5, 0}); skip(c, 10); c.Write([]byte{5, 0, 0, 1, 127}) }, "connect reply: EOF"},
		{"silent", false, func(c net.Conn) { io.Copy(io.Discard, c) }, "no answer in time"},
	}
	for _, c := range cases {
		proxy := &SOCKS{Address: fakeProxy(t, c.script)}
		if c.auth {
			proxy.Username, proxy.Password = "ann", "pwd"
		}
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		target, _ := Parse("tcp://127.0.0.1:5555")
		conn, err := DialTuned(ctx, target, Tuning{NetOptions: NetOptions{Proxy: proxy}})
		cancel()
		if conn != nil {
			conn.Close()
		}
		if !errors.Is(err, ErrProxy) || !strings.Contains(err.Error(), c.says) {
			t.Errorf("%s: %v, want ErrProxy saying %q", c.name, err, c.says)
		}
	}
}

// The CONNECT request names an IP address as such and a host by name.
func TestSOCKSRequest(t *testing.T) {
	for _, c := range []struct {
		host string
		want []byte
	}{
		{"127.0.0.1", []byte{5, 1, 0, 1, 127, 0, 0, 1, 0x15, 0xb3}},
		{"::1", append(append([]byte{5, 1, 0, 4}, net.IPv6loopback...), 0x15, 0xb3)},
		{"example.com", append(append([]byte{5, 1, 0, 3, 11}, "example.com"...), 0x15, 0xb3)},
	} {
		got, err := socksRequest(c.host, 5555)
		if err != nil || !bytes.Equal(got, c.want) {
			t.Errorf("socksRequest(%s) = %v, %v; want %v", c.host, got, err, c.want)
		}
	}
}

// FuzzSOCKSReply: whatever a proxy answers, the reply parser returns
// without panicking and reads no more than a reply can hold.
func FuzzSOCKSReply(f *testing.F) {
	f.Add([]byte{5, 0, 0, 1, 127, 0, 0, 1, 0x15, 0xb3})
	f.Add([]byte{5, 0, 0, 3, 4, 'h', 'o', 's', 't', 0, 80})
	f.Add(append([]byte{5, 0, 0, 4}, make([]byte, 18)...))
	f.Add([]byte{5, 5, 0, 1})
	f.Add([]byte{5, 0, 0, 3, 0})
	f.Fuzz(func(t *testing.T, data []byte) {
		r := bytes.NewReader(data)
		err := readSOCKSReply(r)
		if read := len(data) - r.Len(); read > 5+257 {
			t.Fatalf("read %d bytes", read)
		}
		if err == nil && (len(data) < 7 || data[0] != 5 || data[1] != 0) {
			t.Fatalf("accepted %x", data)
		}
	})
}
