package transport

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"syscall"
)

// Listener is a bound tcp or ipc endpoint. It implements net.Listener.
// ListenUDP returns one for a udp endpoint too, which names the endpoint
// and accepts nothing (see ListenUDP).
type Listener struct {
	ln       net.Listener // nil for udp
	udp      *net.UDPConn
	endpoint string
	// tmpDir is the directory made for ipc://*, removed again on Close.
	tmpDir string
	tuning Tuning
	// tls, for wss, wraps each accepted connection (see UseTLS).
	tls *tls.Config
}

// Listen binds ep, applying the bind rules of ParseBind. For tcp a "*" host
// means all IPv4 interfaces (libzmq's default without ZMQ_IPV6); use
// tcp://[::]:port for IPv6. A "*" or 0 port picks an ephemeral port. For
// ipc, a stale socket file at the path is removed first, as libzmq does,
// but any other kind of file is left alone and makes the bind fail; ipc://*
// binds "socket" in a fresh private directory under os.TempDir (libzmq uses
// TMPDIR, TEMPDIR or TMP, else the working directory).
func Listen(ep Endpoint) (*Listener, error) { return ListenTuned(ep, Tuning{}) }

// ListenTuned is Listen with the kernel socket set up as t's NetOptions say
// before it binds, and every connection it accepts tuned and filtered as t
// says.
func ListenTuned(ep Endpoint, t Tuning) (*Listener, error) {
	ep, err := ParseBind(ep.String())
	if err != nil {
		return nil, err
	}
	lc := net.ListenConfig{Control: func(network, _ string, c syscall.RawConn) error { return t.control(network, c) }}
	var l *Listener
	switch ep.Transport {
	case TCP:
		l, err = listenTCP(lc, ep, t.IPv6)
	case IPC:
		l, err = listenIPC(lc, ep)
	case UDP:
		return nil, fmt.Errorf("%w: %s: udp is bound with ListenUDP", errors.ErrUnsupported, ep)
	case WS, WSS:
		l, err = listenWS(lc, ep, t.IPv6)
	default:
		return nil, fmt.Errorf("%w: %s: inproc is connected in-process, not by the transport package", errors.ErrUnsupported, ep)
	}
	if err != nil {
		return nil, err
	}
	if t.Backlog > 0 {
		if err := relisten(l.ln, t.Backlog); err != nil {
			l.Close()
			return nil, err
		}
	}
	l.tuning = t
	return l, nil
}

func listenTCP(lc net.ListenConfig, ep Endpoint, ipv6 bool) (*Listener, error) {
	host, port, err := splitTCP(ep.String(), ep.Address)
	if err != nil {
		return nil, err
	}
	network := "tcp"
	if host == "*" {
		// As libzmq: every IPv4 interface, or with ZMQ_IPV6 every
		// interface of both families (a dual-stack socket).
		host, network = "0.0.0.0", "tcp4"
		if ipv6 {
			host, network = "::", "tcp"
		}
	}
	if port == "*" {
		port = "0"
	}
	ln, err := lc.Listen(context.Background(), network, net.JoinHostPort(host, port))
	if err != nil {
		return nil, err
	}
	return &Listener{ln: ln, endpoint: TCP + "://" + ln.Addr().String()}, nil
}

func listenIPC(lc net.ListenConfig, ep Endpoint) (*Listener, error) {
	path, tmpDir := ep.Address, ""
	if path == "*" {
		dir, err := os.MkdirTemp("", "tmp")
		if err != nil {
			return nil, err
		}
		tmpDir, path = dir, filepath.Join(dir, "socket")
		if len(path) > maxUnixPath {
			os.Remove(dir)
			return nil, bad(ep.String(), fmt.Sprintf("temporary path %q is longer than the %d-byte unix socket limit; set TMPDIR to a shorter directory", path, maxUnixPath))
		}
	}
	if path[0] != '@' {
		if err := removeStaleSocket(path); err != nil {
			removeDir(tmpDir)
			return nil, err
		}
	}
	ln, err := lc.Listen(context.Background(), "unix", path)
	if err != nil {
		removeDir(tmpDir)
		return nil, err
	}
	// Go unlinks by default for a path it bound; say so in case that changes,
	// since a left-over file is what removeStaleSocket has to clean up.
	ln.(*net.UnixListener).SetUnlinkOnClose(path[0] != '@')
	return &Listener{ln: ln, endpoint: IPC + "://" + path, tmpDir: tmpDir}, nil
}

// removeStaleSocket removes a socket file left behind by a process that did
// not close its listener. Like libzmq it does not check whether something
// still listens there: the newest binder takes the path over.
func removeStaleSocket(path string) error {
	fi, err := os.Lstat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if fi.Mode().Type() != fs.ModeSocket {
		return nil // let bind report EADDRINUSE rather than delete user data
	}
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}

func removeDir(dir string) error {
	if dir == "" {
		return nil
	}
	if err := os.Remove(dir); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}

// Mounted is the listener of connections that arrive by another way than
// accepting, such as requests an http.Server hands to a socket: it accepts
// nothing, and closing it does nothing, but a socket tracks and closes those
// connections as it does its listeners'.
func Mounted() *Listener { return &Listener{} }

// Endpoint returns the endpoint actually bound, with ephemeral ports,
// "*" hosts and ipc://* paths filled in: ZMQ_LAST_ENDPOINT.
func (l *Listener) Endpoint() string { return l.endpoint }

// Addr returns the listener's network address.
func (l *Listener) Addr() net.Addr {
	if l.ln == nil {
		return l.udp.LocalAddr()
	}
	return l.ln.Addr()
}

// Accept waits for the next connection. TCP connections have TCP_NODELAY
// set, as libzmq does, since ZMTP does its own batching.
func (l *Listener) Accept() (net.Conn, error) {
	if l.ln == nil {
		return nil, fmt.Errorf("%w: udp has no connections to accept", errors.ErrUnsupported)
	}
	c, err := l.ln.Accept()
	if err != nil {
		return nil, err
	}
	if err := l.tuning.admit(c); err != nil {
		c.Close()
		return nil, err
	}
	if err := setNoDelay(c); err != nil {
		c.Close()
		return nil, err
	}
	if err := l.tuning.apply(c); err != nil {
		c.Close()
		return nil, err
	}
	if l.tls != nil {
		return tls.Server(c, l.tls), nil
	}
	return c, nil
}

// Close stops listening and removes the ipc socket file, and for ipc://*
// its directory. It may be called more than once.
func (l *Listener) Close() error {
	if l.ln == nil {
		return nil // the udp socket is its engine's to close; Mounted has none
	}
	err := l.ln.Close()
	if errors.Is(err, net.ErrClosed) {
		err = nil
	}
	return errors.Join(err, removeDir(l.tmpDir))
}

// Dial connects to ep, applying the connect rules of ParseConnect. The
// context bounds name resolution and connection set-up only.
func Dial(ctx context.Context, ep Endpoint) (net.Conn, error) { return dial(ctx, ep, NetOptions{}) }

func dial(ctx context.Context, ep Endpoint, o NetOptions) (net.Conn, error) {
	ep, err := ParseConnect(ep.String())
	if err != nil {
		return nil, err
	}
	d := net.Dialer{Control: func(network, _ string, c syscall.RawConn) error { return o.control(network, c) }}
	switch ep.Transport {
	case TCP:
		if ep.Source != "" {
			if d.LocalAddr, err = sourceAddr(ctx, ep); err != nil {
				return nil, err
			}
		}
		var c net.Conn
		if o.Proxy != nil {
			c, err = dialSOCKS(ctx, &d, o.Proxy, ep.Address)
		} else {
			c, err = d.DialContext(ctx, "tcp", ep.Address)
		}
		if err != nil {
			return nil, err
		}
		if err := setNoDelay(c); err != nil {
			c.Close()
			return nil, err
		}
		return c, nil
	case IPC:
		return d.DialContext(ctx, "unix", ep.Address)
	case UDP:
		return nil, fmt.Errorf("%w: %s: udp is dialled with DialUDP", errors.ErrUnsupported, ep)
	case WS, WSS:
		return nil, fmt.Errorf("%w: %s: dial WebSocket endpoints with DialWebSocket", errors.ErrUnsupported, ep)
	default:
		return nil, fmt.Errorf("%w: %s: inproc is connected in-process, not by the transport package", errors.ErrUnsupported, ep)
	}
}

// setNoDelay is explicit although Go's default matches: ZMTP latency
// depends on it, so it must not hinge on a runtime default.
func setNoDelay(c net.Conn) error {
	if tc, ok := c.(*net.TCPConn); ok {
		return tc.SetNoDelay(true)
	}
	return nil
}
