package transport

import (
	"context"
	"fmt"
	"net"
	"syscall"
	"testing"
	"time"
)

func sockopt(t *testing.T, c net.Conn, level, opt int) int {
	t.Helper()
	raw, err := c.(syscall.Conn).SyscallConn()
	if err != nil {
		t.Fatal(err)
	}
	var v int
	var serr error
	if err := raw.Control(func(fd uintptr) { v, serr = syscall.GetsockoptInt(int(fd), level, opt) }); err != nil {
		t.Fatal(err)
	}
	if serr != nil {
		t.Fatal(serr)
	}
	return v
}

func TestTuningAppliesToDialledAndAccepted(t *testing.T) {
	ep, err := Parse("tcp://127.0.0.1:*")
	if err != nil {
		t.Fatal(err)
	}
	ln, err := Listen(ep)
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	tuning := Tuning{
		KeepAlive:  &net.KeepAliveConfig{Enable: true, Idle: 7 * time.Second, Interval: 3 * time.Second, Count: 4},
		SendBuffer: 64 << 10,
		RecvBuffer: 96 << 10,
	}
	ln.SetTuning(tuning)
	accepted := make(chan net.Conn, 1)
	go func() {
		c, err := ln.Accept()
		if err == nil {
			accepted <- c
		}
		close(accepted)
	}()
	target, _ := Parse(ln.Endpoint())
	dialled, err := DialTuned(context.Background(), target, tuning)
	if err != nil {
		t.Fatal(err)
	}
	defer dialled.Close()
	server, ok := <-accepted
	if !ok {
		t.Fatal("accept failed")
	}
	defer server.Close()
	for name, c := range map[string]net.Conn{"dialled": dialled, "accepted": server} {
		if got := sockopt(t, c, syscall.SOL_SOCKET, syscall.SO_KEEPALIVE); got != 1 {
			t.Errorf("%s: SO_KEEPALIVE = %d", name, got)
		}
		if got := sockopt(t, c, syscall.IPPROTO_TCP, syscall.TCP_KEEPIDLE); got != 7 {
			t.Errorf("%s: TCP_KEEPIDLE = %d, want 7", name, got)
		}
		if got := sockopt(t, c, syscall.IPPROTO_TCP, syscall.TCP_KEEPCNT); got != 4 {
			t.Errorf("%s: TCP_KEEPCNT = %d, want 4", name, got)
		}
		// Linux doubles what it is given, for its own bookkeeping.
		if got := sockopt(t, c, syscall.SOL_SOCKET, syscall.SO_SNDBUF); got < 64<<10 {
			t.Errorf("%s: SO_SNDBUF = %d, want at least 64 KiB", name, got)
		}
		if got := sockopt(t, c, syscall.SOL_SOCKET, syscall.SO_RCVBUF); got < 96<<10 {
			t.Errorf("%s: SO_RCVBUF = %d, want at least 96 KiB", name, got)
		}
	}
}

// A listener that never accepts and has a backlog of 0 takes one
// connection into its queue and leaves the next one's SYN unanswered: the
// attempt then waits until the connect timeout ends it.
func TestConnectTimeoutBoundsTheAttempt(t *testing.T) {
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer syscall.Close(fd)
	if err := syscall.Bind(fd, &syscall.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Listen(fd, 0); err != nil {
		t.Fatal(err)
	}
	sa, err := syscall.Getsockname(fd)
	if err != nil {
		t.Fatal(err)
	}
	target, _ := Parse(fmt.Sprintf("tcp://127.0.0.1:%d", sa.(*syscall.SockaddrInet4).Port))
	var held []net.Conn
	defer func() {
		for _, c := range held {
			c.Close()
		}
	}()
	start := time.Now()
	for {
		c, err := DialTuned(context.Background(), target, Tuning{ConnectTimeout: 200 * time.Millisecond})
		if err != nil {
			break // the queue is full and the attempt timed out
		}
		held = append(held, c)
		if len(held) > 8 {
			t.Fatal("a listener with backlog 0 kept accepting connections")
		}
	}
	if elapsed := time.Since(start); elapsed > 10*time.Second {
		t.Fatalf("the attempt took %v: the timeout did not bound it", elapsed)
	}
}
