package transport

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// ioTimeout bounds every blocking step so a broken listener fails the test
// instead of hanging it; it is never waited out on success.
const ioTimeout = 10 * time.Second

// requireIPv6Loopback skips, saying why, where ::1 cannot be bound.
func requireIPv6Loopback(t *testing.T) {
	t.Helper()
	ln, err := net.Listen("tcp6", "[::1]:0")
	if err != nil {
		t.Skipf("SKIPPED: this machine has no usable IPv6 loopback (net.Listen(\"tcp6\", \"[::1]:0\"): %v)", err)
	}
	ln.Close()
}

func mustParse(t *testing.T, s string) Endpoint {
	t.Helper()
	ep, err := Parse(s)
	if err != nil {
		t.Fatalf("Parse(%q): %v", s, err)
	}
	return ep
}

func mustListen(t *testing.T, s string) *Listener {
	t.Helper()
	ln, err := Listen(mustParse(t, s))
	if err != nil {
		t.Fatalf("Listen(%q): %v", s, err)
	}
	t.Cleanup(func() { ln.Close() })
	return ln
}

// exchange dials dialTo, accepts on ln and checks that bytes flow both ways
// and that TCP connections have TCP_NODELAY at both ends.
func exchange(t *testing.T, ln *Listener, dialTo string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), ioTimeout)
	defer cancel()
	c, err := Dial(ctx, mustParse(t, dialTo))
	if err != nil {
		t.Fatalf("Dial(%q): %v", dialTo, err)
	}
	defer c.Close()
	// The connection is already in the accept queue, so Accept needs no
	// goroutine; the deadline only turns a bug into a failure.
	ln.ln.(interface{ SetDeadline(time.Time) error }).SetDeadline(time.Now().Add(ioTimeout))
	s, err := ln.Accept()
	if err != nil {
		t.Fatalf("Accept on %s: %v", ln.Endpoint(), err)
	}
	defer s.Close()
	c.SetDeadline(time.Now().Add(ioTimeout))
	s.SetDeadline(time.Now().Add(ioTimeout))

	for _, p := range []struct {
		from, to net.Conn
		msg      string
	}{{c, s, "ping"}, {s, c, "pong"}} {
		if _, err := p.from.Write([]byte(p.msg)); err != nil {
			t.Fatalf("write: %v", err)
		}
		buf := make([]byte, len(p.msg))
		if _, err := io.ReadFull(p.to, buf); err != nil || string(buf) != p.msg {
			t.Fatalf("read %q, %v; want %q", buf, err, p.msg)
		}
	}
	if strings.HasPrefix(dialTo, "tcp://") {
		checkNoDelay(t, "dialled", c)
		checkNoDelay(t, "accepted", s)
	}
}

func checkNoDelay(t *testing.T, which string, c net.Conn) {
	t.Helper()
	rc, err := c.(*net.TCPConn).SyscallConn()
	if err != nil {
		t.Fatal(err)
	}
	var v int
	var serr error
	if err := rc.Control(func(fd uintptr) {
		v, serr = syscall.GetsockoptInt(int(fd), syscall.IPPROTO_TCP, syscall.TCP_NODELAY)
	}); err != nil || serr != nil {
		t.Fatalf("getsockopt TCP_NODELAY: %v %v", err, serr)
	}
	if v == 0 {
		t.Errorf("%s connection has TCP_NODELAY off", which)
	}
}

func portOf(t *testing.T, endpoint string) string {
	t.Helper()
	i := strings.LastIndexByte(endpoint, ':')
	if i < 0 {
		t.Fatalf("no port in %q", endpoint)
	}
	return endpoint[i+1:]
}

func TestListenDialTCP(t *testing.T) {
	lo := loopbackInterface(t)
	tests := []struct {
		name, bind string
		ipv6       bool
		want       string // regexp for Endpoint()
		// dial is the endpoint to connect to, "PORT" replaced by the bound
		// port; "" means Endpoint() itself.
		dial string
	}{
		{name: "ipv4 ephemeral", bind: "tcp://127.0.0.1:*", want: `^tcp://127\.0\.0\.1:\d+$`},
		{name: "ipv4 port 0", bind: "tcp://127.0.0.1:0", want: `^tcp://127\.0\.0\.1:\d+$`},
		{name: "all interfaces", bind: "tcp://*:*", want: `^tcp://0\.0\.0\.0:\d+$`, dial: "tcp://127.0.0.1:PORT"},
		{name: "interface name", bind: "tcp://" + lo.Name + ":*", want: `^tcp://127\.0\.0\.1:\d+$`},
		{name: "dial by host name", bind: "tcp://127.0.0.1:*", want: `^tcp://127\.0\.0\.1:\d+$`, dial: "tcp://localhost:PORT"},
		{name: "ipv6 loopback", bind: "tcp://[::1]:*", ipv6: true, want: `^tcp://\[::1\]:\d+$`},
		{name: "ipv6 any", bind: "tcp://[::]:*", ipv6: true, want: `^tcp://\[::\]:\d+$`, dial: "tcp://[::1]:PORT"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.ipv6 {
				requireIPv6Loopback(t)
			}
			ln := mustListen(t, tt.bind)
			if !regexp.MustCompile(tt.want).MatchString(ln.Endpoint()) {
				t.Fatalf("Endpoint() = %q, want match for %s", ln.Endpoint(), tt.want)
			}
			port := portOf(t, ln.Endpoint())
			if port == "0" {
				t.Fatalf("Endpoint() = %q still has port 0", ln.Endpoint())
			}
			dial := ln.Endpoint()
			if tt.dial != "" {
				dial = strings.Replace(tt.dial, "PORT", port, 1)
			}
			exchange(t, ln, dial)
		})
	}
}

func TestListenTCPFixedPort(t *testing.T) {
	// Re-binding a port just released is the closest a test can come to a
	// fixed port without risking a clash with another process.
	probe := mustListen(t, "tcp://127.0.0.1:*")
	port := portOf(t, probe.Endpoint())
	probe.Close()

	ln, err := Listen(mustParse(t, "tcp://*:"+port))
	if err != nil {
		t.Skipf("port %s was taken again before it could be re-bound: %v", port, err)
	}
	defer ln.Close()
	if want := "tcp://0.0.0.0:" + port; ln.Endpoint() != want {
		t.Errorf("Endpoint() = %q, want %q", ln.Endpoint(), want)
	}
	exchange(t, ln, "tcp://127.0.0.1:"+port)
}

// uniqueAbstract names an abstract socket unlikely to clash with anything
// else on the machine, since the abstract namespace is shared per network
// namespace rather than scoped to a directory.
func uniqueAbstract(t *testing.T) string {
	return "@purezmq-transport-" + strconv.Itoa(os.Getpid()) + "-" + strconv.FormatInt(time.Now().UnixNano(), 36) + "-" + t.Name()
}

func TestListenDialIPC(t *testing.T) {
	t.Run("path", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "s.sock")
		ln := mustListen(t, "ipc://"+path)
		if want := "ipc://" + path; ln.Endpoint() != want {
			t.Errorf("Endpoint() = %q, want %q", ln.Endpoint(), want)
		}
		exchange(t, ln, ln.Endpoint())
		if err := ln.Close(); err != nil {
			t.Fatalf("Close: %v", err)
		}
		if _, err := os.Lstat(path); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("socket file still there after Close: %v", err)
		}
	})
	t.Run("abstract", func(t *testing.T) {
		name := uniqueAbstract(t)
		ln := mustListen(t, "ipc://"+name)
		if want := "ipc://" + name; ln.Endpoint() != want {
			t.Errorf("Endpoint() = %q, want %q", ln.Endpoint(), want)
		}
		exchange(t, ln, ln.Endpoint())
	})
	t.Run("wildcard", func(t *testing.T) {
		tmp := t.TempDir()
		t.Setenv("TMPDIR", tmp)
		ln := mustListen(t, "ipc://*")
		want := `^ipc://` + regexp.QuoteMeta(tmp) + `/tmp\d+/socket$`
		if !regexp.MustCompile(want).MatchString(ln.Endpoint()) {
			t.Fatalf("Endpoint() = %q, want match for %s", ln.Endpoint(), want)
		}
		exchange(t, ln, ln.Endpoint())
		dir := filepath.Dir(strings.TrimPrefix(ln.Endpoint(), "ipc://"))
		if fi, err := os.Stat(dir); err != nil || fi.Mode().Perm() != 0o700 {
			t.Errorf("temporary directory %s: %v, mode %v; want private (0700)", dir, err, fi.Mode())
		}
		if err := ln.Close(); err != nil {
			t.Fatalf("Close: %v", err)
		}
		if _, err := os.Lstat(dir); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("temporary directory still there after Close: %v", err)
		}
	})
	t.Run("wildcard twice", func(t *testing.T) {
		t.Setenv("TMPDIR", t.TempDir())
		a, b := mustListen(t, "ipc://*"), mustListen(t, "ipc://*")
		if a.Endpoint() == b.Endpoint() {
			t.Errorf("two ipc://* binds share %q", a.Endpoint())
		}
	})
}

func TestListenIPCStaleSocket(t *testing.T) {
	path := filepath.Join(t.TempDir(), "stale.sock")
	// A listener that is closed without unlinking leaves the file behind,
	// as a crashed process would.
	old, err := net.ListenUnix("unix", &net.UnixAddr{Name: path, Net: "unix"})
	if err != nil {
		t.Fatal(err)
	}
	old.SetUnlinkOnClose(false)
	old.Close()
	if fi, err := os.Lstat(path); err != nil || fi.Mode().Type() != fs.ModeSocket {
		t.Fatalf("stale socket not in place: %v", err)
	}
	if _, err := net.Listen("unix", path); err == nil {
		t.Fatal("binding over a stale socket file succeeded without removing it; the test proves nothing")
	}

	ln := mustListen(t, "ipc://"+path)
	exchange(t, ln, "ipc://"+path)
	ln.Close()
	if _, err := os.Lstat(path); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("socket file still there after Close: %v", err)
	}
}

func TestListenIPCKeepsOtherFiles(t *testing.T) {
	path := filepath.Join(t.TempDir(), "data")
	if err := os.WriteFile(path, []byte("keep me"), 0o600); err != nil {
		t.Fatal(err)
	}
	if ln, err := Listen(mustParse(t, "ipc://"+path)); err == nil {
		ln.Close()
		t.Fatal("Listen over a regular file succeeded")
	}
	if b, err := os.ReadFile(path); err != nil || string(b) != "keep me" {
		t.Errorf("regular file damaged: %q, %v", b, err)
	}
}

func TestListenDialErrors(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name string
		ep   Endpoint
		dial bool
		is   error
	}{
		{name: "listen inproc", ep: Endpoint{Transport: "inproc", Address: "x"}, is: errors.ErrUnsupported},
		{name: "dial inproc", ep: Endpoint{Transport: "inproc", Address: "x"}, dial: true, is: errors.ErrUnsupported},
		{name: "listen unparsed", ep: Endpoint{Transport: "tcp", Address: "127.0.0.1"}, is: ErrEndpoint},
		{name: "listen bad transport", ep: Endpoint{Transport: "norm", Address: "127.0.0.1:1"}, is: ErrEndpoint},
		{name: "listen udp", ep: Endpoint{Transport: "udp", Address: "127.0.0.1:1"}, is: errors.ErrUnsupported},
		{name: "dial udp", ep: Endpoint{Transport: "udp", Address: "127.0.0.1:1"}, dial: true, is: errors.ErrUnsupported},
		{name: "dial wildcard host", ep: Endpoint{Transport: "tcp", Address: "*:5555"}, dial: true, is: ErrEndpoint},
		{name: "dial wildcard port", ep: Endpoint{Transport: "tcp", Address: "127.0.0.1:*"}, dial: true, is: ErrEndpoint},
		{name: "dial ipc wildcard", ep: Endpoint{Transport: "ipc", Address: "*"}, dial: true, is: ErrEndpoint},
		{name: "listen long path", ep: Endpoint{Transport: "ipc", Address: "/" + strings.Repeat("x", 107)}, is: ErrEndpoint},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var err error
			if tt.dial {
				var c net.Conn
				if c, err = Dial(ctx, tt.ep); c != nil {
					c.Close()
				}
			} else {
				var ln *Listener
				if ln, err = Listen(tt.ep); ln != nil {
					ln.Close()
				}
			}
			if !errors.Is(err, tt.is) {
				t.Errorf("got %v, want an error wrapping %v", err, tt.is)
			}
		})
	}

	t.Run("dial refused", func(t *testing.T) {
		ln := mustListen(t, "tcp://127.0.0.1:*")
		ep := mustParse(t, ln.Endpoint())
		ln.Close()
		if c, err := Dial(ctx, ep); err == nil {
			c.Close()
			t.Skip("something else took the port at once")
		}
	})
	t.Run("dial missing ipc", func(t *testing.T) {
		if _, err := Dial(ctx, mustParse(t, "ipc://"+filepath.Join(t.TempDir(), "none"))); err == nil {
			t.Error("Dial to a missing ipc path succeeded")
		}
	})
	t.Run("dial cancelled", func(t *testing.T) {
		ln := mustListen(t, "tcp://127.0.0.1:*")
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		if c, err := Dial(cctx, mustParse(t, ln.Endpoint())); !errors.Is(err, context.Canceled) {
			if c != nil {
				c.Close()
			}
			t.Errorf("Dial with a cancelled context: %v, want context.Canceled", err)
		}
	})
	t.Run("bind in use", func(t *testing.T) {
		ln := mustListen(t, "tcp://127.0.0.1:*")
		if ln2, err := Listen(mustParse(t, ln.Endpoint())); err == nil {
			ln2.Close()
			t.Error("second Listen on a bound port succeeded")
		}
	})
}

func TestListenerClose(t *testing.T) {
	t.Setenv("TMPDIR", t.TempDir())
	for _, s := range []string{"tcp://127.0.0.1:*", "ipc://*"} {
		ln := mustListen(t, s)
		if ln.Addr() == nil {
			t.Errorf("%s: Addr() is nil", s)
		}
		if err := ln.Close(); err != nil {
			t.Errorf("%s: Close: %v", s, err)
		}
		if err := ln.Close(); err != nil {
			t.Errorf("%s: second Close: %v", s, err)
		}
		if _, err := ln.Accept(); !errors.Is(err, net.ErrClosed) {
			t.Errorf("%s: Accept after Close: %v, want net.ErrClosed", s, err)
		}
	}
}

var _ net.Listener = (*Listener)(nil)
