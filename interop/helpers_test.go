package interop

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	zmq4 "github.com/pebbe/zmq4"
	"github.com/purezmq/zmq"
)

// timeout bounds every blocking call: a bug fails the test instead of
// hanging the run.
const timeout = 5 * time.Second

// transports the table-driven tests run over.
var transports = []string{"tcp", "ipc"}

// bindAddr returns an endpoint to bind on the transport: an ephemeral tcp
// port on loopback, or a socket file in the test's temporary directory.
func bindAddr(t *testing.T, transport string) string {
	t.Helper()
	switch transport {
	case "tcp":
		return "tcp://127.0.0.1:*"
	case "ipc":
		return "ipc://" + ipcPath(t)
	}
	t.Fatalf("unknown transport %q", transport)
	return ""
}

var ipcCount atomic.Int64

// ipcPath is a fresh socket path in t.TempDir(), or in a shorter temporary
// directory when that would pass the 107 bytes a unix socket path may have.
func ipcPath(t *testing.T) string {
	t.Helper()
	name := fmt.Sprintf("s%d.sock", ipcCount.Add(1))
	p := filepath.Join(t.TempDir(), name)
	if len(p) < 100 {
		return p
	}
	dir, err := os.MkdirTemp("", "zi")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	return filepath.Join(dir, name)
}

// freeTCPEndpoint returns a loopback tcp endpoint nothing listens on (yet).
func freeTCPEndpoint(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return "tcp://" + addr
}

// freeEndpoint is an endpoint on the transport that nothing is bound to.
func freeEndpoint(t *testing.T, transport string) string {
	if transport == "tcp" {
		return freeTCPEndpoint(t)
	}
	return "ipc://" + ipcPath(t)
}

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	t.Cleanup(cancel)
	return ctx
}

// eventually polls cond until it holds or the deadline passes.
func eventually(t *testing.T, d time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("after %v: %s", d, what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// ---- our sockets ----

func newOurs(t *testing.T, typ zmq.Type, opts ...zmq.Option) *zmq.Socket {
	t.Helper()
	s, err := zmq.NewSocket(typ, append([]zmq.Option{zmq.WithLinger(0)}, opts...)...)
	if err != nil {
		t.Fatalf("ours NewSocket(%v): %v", typ, err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func oursBind(t *testing.T, s *zmq.Socket, ep string) string {
	t.Helper()
	if err := s.Bind(ep); err != nil {
		t.Fatalf("ours Bind(%s): %v", ep, err)
	}
	return s.LastEndpoint()
}

func oursConnect(t *testing.T, s *zmq.Socket, ep string) {
	t.Helper()
	if err := s.Connect(ep); err != nil {
		t.Fatalf("ours Connect(%s): %v", ep, err)
	}
}

func oursSend(t *testing.T, s *zmq.Socket, frames ...[]byte) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	if err := s.Send(ctx, zmq.NewMsg(frames...)); err != nil {
		t.Fatalf("ours %v Send(%s): %v", s.Type(), show(frames), err)
	}
}

func oursRecvMsg(t *testing.T, s *zmq.Socket) zmq.Msg {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	m, err := s.Recv(ctx)
	if err != nil {
		t.Fatalf("ours %v Recv: %v", s.Type(), err)
	}
	return m
}

// ---- libzmq sockets ----

var zmq4Types = map[zmq.Type]zmq4.Type{
	zmq.PAIR: zmq4.PAIR, zmq.PUB: zmq4.PUB, zmq.SUB: zmq4.SUB,
	zmq.REQ: zmq4.REQ, zmq.REP: zmq4.REP, zmq.DEALER: zmq4.DEALER,
	zmq.ROUTER: zmq4.ROUTER, zmq.PULL: zmq4.PULL, zmq.PUSH: zmq4.PUSH,
	zmq.XPUB: zmq4.XPUB, zmq.XSUB: zmq4.XSUB,
}

// newLZ returns a libzmq socket with LINGER 0 and send and receive timeouts,
// after applying the setters (options that must precede bind/connect).
func newLZ(t *testing.T, typ zmq.Type, setters ...func(*zmq4.Socket) error) *zmq4.Socket {
	t.Helper()
	s, err := zmq4.NewSocket(zmq4Types[typ])
	if err != nil {
		t.Fatalf("libzmq NewSocket(%v): %v", typ, err)
	}
	t.Cleanup(func() { s.Close() })
	must(t, s.SetLinger(0))
	must(t, s.SetRcvtimeo(timeout))
	must(t, s.SetSndtimeo(timeout))
	for _, set := range setters {
		must(t, set(s))
	}
	return s
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func lzBind(t *testing.T, s *zmq4.Socket, ep string) string {
	t.Helper()
	if err := s.Bind(ep); err != nil {
		t.Fatalf("libzmq Bind(%s): %v", ep, err)
	}
	last, err := s.GetLastEndpoint()
	must(t, err)
	return last
}

func lzConnect(t *testing.T, s *zmq4.Socket, ep string) {
	t.Helper()
	if err := s.Connect(ep); err != nil {
		t.Fatalf("libzmq Connect(%s): %v", ep, err)
	}
}

func lzSend(t *testing.T, s *zmq4.Socket, frames ...[]byte) {
	t.Helper()
	if err := lzTrySend(s, frames...); err != nil {
		t.Fatalf("libzmq Send(%s): %v", show(frames), err)
	}
}

func lzTrySend(s *zmq4.Socket, frames ...[]byte) error {
	for i, f := range frames {
		flag := zmq4.SNDMORE
		if i == len(frames)-1 {
			flag = 0
		}
		if _, err := s.SendBytes(f, flag); err != nil {
			return err
		}
	}
	return nil
}

func lzRecv(t *testing.T, s *zmq4.Socket) [][]byte {
	t.Helper()
	m, err := s.RecvMessageBytes(0)
	if err != nil {
		t.Fatalf("libzmq Recv: %v", err)
	}
	return m
}

// ---- either side ----

// end is one socket of a test, ours or libzmq's.
type end interface {
	send(t *testing.T, frames ...[]byte)
	recv(t *testing.T) [][]byte
	// tryRecv waits up to d for a message.
	tryRecv(t *testing.T, d time.Duration) ([][]byte, bool)
	bind(t *testing.T, ep string) string
	connect(t *testing.T, ep string)
}

type ourEnd struct{ s *zmq.Socket }

func (e ourEnd) send(t *testing.T, f ...[]byte) { t.Helper(); oursSend(t, e.s, f...) }
func (e ourEnd) recv(t *testing.T) [][]byte     { t.Helper(); return oursRecvMsg(t, e.s).Frames }
func (e ourEnd) tryRecv(t *testing.T, d time.Duration) ([][]byte, bool) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	m, err := e.s.Recv(ctx)
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, zmq.ErrAgain) {
		return nil, false
	}
	if err != nil {
		t.Fatalf("ours %v Recv: %v", e.s.Type(), err)
	}
	return m.Frames, true
}
func (e ourEnd) bind(t *testing.T, ep string) string {
	t.Helper()
	return oursBind(t, e.s, ep)
}
func (e ourEnd) connect(t *testing.T, ep string) { t.Helper(); oursConnect(t, e.s, ep) }

type lzEnd struct{ s *zmq4.Socket }

func (e lzEnd) send(t *testing.T, f ...[]byte) { t.Helper(); lzSend(t, e.s, f...) }
func (e lzEnd) recv(t *testing.T) [][]byte     { t.Helper(); return lzRecv(t, e.s) }
func (e lzEnd) tryRecv(t *testing.T, d time.Duration) ([][]byte, bool) {
	t.Helper()
	must(t, e.s.SetRcvtimeo(d))
	defer e.s.SetRcvtimeo(timeout)
	m, err := e.s.RecvMessageBytes(0)
	if isEAGAIN(err) {
		return nil, false
	}
	if err != nil {
		t.Fatalf("libzmq Recv: %v", err)
	}
	return m, true
}
func (e lzEnd) bind(t *testing.T, ep string) string {
	t.Helper()
	return lzBind(t, e.s, ep)
}
func (e lzEnd) connect(t *testing.T, ep string) { t.Helper(); lzConnect(t, e.s, ep) }

// frames turns strings into frames.
func frames(s ...string) [][]byte {
	out := make([][]byte, len(s))
	for i, f := range s {
		out[i] = []byte(f)
	}
	return out
}

// sameFrames compares messages exactly, and says where they differ.
func sameFrames(got, want [][]byte) error {
	if len(got) != len(want) {
		return fmt.Errorf("got %d frames %s, want %d frames %s", len(got), show(got), len(want), show(want))
	}
	for i := range got {
		if !bytes.Equal(got[i], want[i]) {
			return fmt.Errorf("frame %d: got %d bytes %s, want %d bytes %s", i, len(got[i]), showFrame(got[i]), len(want[i]), showFrame(want[i]))
		}
	}
	return nil
}

func expectFrames(t *testing.T, got, want [][]byte) {
	t.Helper()
	if err := sameFrames(got, want); err != nil {
		t.Fatal(err)
	}
}

func show(fs [][]byte) string {
	parts := make([]string, len(fs))
	for i, f := range fs {
		parts[i] = showFrame(f)
	}
	return "[" + strings.Join(parts, " ") + "]"
}

func showFrame(f []byte) string {
	if len(f) > 32 {
		return fmt.Sprintf("%q...(%d bytes)", f[:32], len(f))
	}
	return fmt.Sprintf("%q", f)
}

// ---- libzmq monitor ----

var monitorCount atomic.Int64

// lzMonitor watches a libzmq socket's events through an inproc PAIR.
type lzMonitor struct{ s, target *zmq4.Socket }

func newLZMonitor(t *testing.T, target *zmq4.Socket) *lzMonitor {
	t.Helper()
	addr := fmt.Sprintf("inproc://monitor-%d", monitorCount.Add(1))
	must(t, target.Monitor(addr, zmq4.EVENT_ALL))
	s, err := zmq4.NewSocket(zmq4.PAIR)
	must(t, err)
	// Stop the monitor before closing its reader: libzmq's I/O thread
	// blocks for good sending an event to a monitor PAIR whose reader is
	// gone, which stalls every socket of the context after it.
	t.Cleanup(func() {
		_ = target.Monitor("", 0)
		s.Close()
	})
	must(t, s.SetLinger(0))
	must(t, s.SetRcvtimeo(100*time.Millisecond))
	must(t, s.Connect(addr))
	return &lzMonitor{s: s, target: target}
}

// closeTarget stops monitoring and then closes the monitored socket. A
// monitored socket must never be closed with its monitor still on: libzmq
// closes asynchronously and may emit an event after the monitor's reader is
// gone, which blocks its I/O thread for good.
func (m *lzMonitor) closeTarget(t *testing.T) {
	t.Helper()
	must(t, m.target.Monitor("", 0))
	must(t, m.target.Close())
}

// waitFor reads events until one of want arrives, and returns it with all
// events seen on the way; it fails the test after d.
func (m *lzMonitor) waitFor(t *testing.T, d time.Duration, want ...zmq4.Event) (zmq4.Event, []zmq4.Event) {
	t.Helper()
	var seen []zmq4.Event
	deadline := time.Now().Add(d)
	for time.Now().Before(deadline) {
		ev, _, _, err := m.s.RecvEvent(0)
		if isEAGAIN(err) {
			continue
		}
		if err != nil {
			t.Fatalf("monitor: %v", err)
		}
		seen = append(seen, ev)
		for _, w := range want {
			if ev == w {
				return ev, seen
			}
		}
	}
	t.Fatalf("after %v: no event %v; saw %v", d, want, seen)
	return 0, seen
}

func isEAGAIN(err error) bool {
	return err != nil && zmq4.AsErrno(err) == zmq4.Errno(syscall.EAGAIN)
}

// drain returns the events queued now, waiting up to 100ms for the first.
func (m *lzMonitor) drain() []zmq4.Event {
	var seen []zmq4.Event
	for {
		ev, _, _, err := m.s.RecvEvent(0)
		if err != nil {
			return seen
		}
		seen = append(seen, ev)
	}
}

// pattern fills a frame of n bytes with content that depends on seed, so a
// frame put in the wrong place or cut short does not compare equal.
func pattern(n int, seed byte) []byte {
	b := make([]byte, n)
	x := uint32(seed)*2654435761 + 1
	for i := range b {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		b[i] = byte(x)
	}
	return b
}
