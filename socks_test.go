package zmq_test

import (
	"errors"
	"log/slog"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/purezmq/zmq"
	"github.com/purezmq/zmq/internal/testlog"
)

// A SOCKS proxy that answers garbage or refuses is a failed connection
// attempt like any other: counted in Stats().ProxyFailures, logged with
// the reason, and retried after the reconnect interval, with backoff.
// (A real SOCKS5 server is used in interop/: TestSOCKSProxy.)
func TestSOCKSProxyFailuresRetried(t *testing.T) {
	for _, c := range []struct {
		name, says string
		answer     []byte
	}{
		{"garbage", "not a SOCKS5 proxy", []byte("HTTP/1.1 400 Bad Request\r\n\r\n")},
		{"refusal", "the proxy could not connect: connection refused", []byte{5, 0, 5, 5, 0, 1, 0, 0, 0, 0, 0, 0}},
	} {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		var attempts atomic.Int32
		var wg sync.WaitGroup
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				conn, err := ln.Accept()
				if err != nil {
					return
				}
				attempts.Add(1)
				conn.Read(make([]byte, 3)) // the method offer
				conn.Write(c.answer)
				conn.Close()
			}
		}()
		var log testlog.Buffer
		push := newSocket(t, zmq.PUSH, zmq.WithSOCKSProxy(ln.Addr().String()),
			zmq.WithReconnectInterval(10*time.Millisecond, 40*time.Millisecond),
			zmq.WithLogger(slog.New(slog.NewTextHandler(&log, nil))))
		connect(t, push, "tcp://127.0.0.1:5555")
		eventually(t, c.name+": three failed attempts", func() bool { return push.Stats().ProxyFailures >= 3 })
		if !strings.Contains(log.String(), c.says) {
			t.Errorf("%s: the log does not say %q:\n%s", c.name, c.says, log.String())
		}
		if n := attempts.Load(); n < 3 {
			t.Errorf("%s: the proxy saw %d attempts, want a retry after each failure", c.name, n)
		}
		push.Close()
		ln.Close()
		wg.Wait()
	}
}

// Malformed proxy addresses and credentials are refused at the call; what
// was set reads back, the password excepted.
func TestSOCKSOptions(t *testing.T) {
	s := newSocket(t, zmq.DEALER)
	for _, c := range []struct {
		opt  zmq.Option
		says string
	}{
		{zmq.WithSOCKSProxy("localhost"), "is not host:port"},
		{zmq.WithSOCKSProxy("localhost:0"), "is not host:port"},
		{zmq.WithSOCKSProxy(":1080"), "is not host:port"},
		{zmq.WithSOCKSProxy("proxy:99999"), "is not host:port"},
		{zmq.WithSOCKSAuth("ann", ""), "1 to 255 bytes"},
		{zmq.WithSOCKSAuth(strings.Repeat("u", 256), "p"), "1 to 255 bytes"},
	} {
		if err := s.SetOptions(c.opt); !errors.Is(err, zmq.ErrInvalid) || !strings.Contains(err.Error(), c.says) {
			t.Errorf("got %v, want ErrInvalid saying %q", err, c.says)
		}
	}
	if err := s.SetOptions(zmq.WithSOCKSProxy("proxy.example:1080"), zmq.WithSOCKSAuth("ann", "pw")); err != nil {
		t.Fatal(err)
	}
	if v := s.Options(); v.SOCKSProxy != "proxy.example:1080" || v.SOCKSUser != "ann" {
		t.Errorf("read back %q, %q", v.SOCKSProxy, v.SOCKSUser)
	}
}
