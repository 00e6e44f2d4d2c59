package zmq

import (
	"bufio"
	"bytes"
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/purezmq/zmq/internal/z85"
	"github.com/purezmq/zmq/internal/zmtp"
)

// Authenticator is a ZAP handler (RFC 27) with the policies of czmq's zauth:
// it binds inproc://zeromq.zap.01 in its context and answers, in a goroutine
// of its own, every request the context's sockets make, until Close.
//
//   - IP addresses (every mechanism): with an allow list (Allow) only the
//     listed addresses get in; addresses on the deny list (Deny) never do.
//     A peer that passes is let in at once over NULL, and must still prove
//     itself over PLAIN and CURVE.
//   - PLAIN: the user name and password must be among those given by
//     AllowPlain or AllowPlainFile. The user name becomes the peer's User-Id.
//   - CURVE: the client's public key must be one given by AllowCurve or
//     AllowCurveDir, unless AllowAnyCurve was called. The key, in Z85, becomes
//     the peer's User-Id, and a certificate's metadata section becomes
//     properties of the peer's messages, as in czmq.
//
// A refusal is "400" with the reason as status text; decisions are logged
// to the logger given with WithAuthLogger.
//
// One difference from zauth: an address on both lists is refused (zauth
// ignores the deny list once there is an allow list).
//
// ZAP only runs for a NULL socket that has a ZAP domain (WithZAPDomain), as
// in libzmq; PLAIN and CURVE servers always ask.
type Authenticator struct {
	sock *Socket
	log  *slog.Logger
	done chan struct{}

	mu        sync.RWMutex
	allow     map[string]bool
	deny      map[string]bool
	passwords map[string]string
	curveAny  bool
	curveKeys map[[32]byte]zmtp.Metadata
}

// AuthOption configures an Authenticator.
type AuthOption func(*Authenticator)

// WithAuthLogger logs each decision of the authenticator at Info level,
// and malformed requests at Warn. Passwords are never logged.
func WithAuthLogger(l *slog.Logger) AuthOption {
	return func(a *Authenticator) {
		if l != nil {
			a.log = l
		}
	}
}

// NewAuthenticator starts an authenticator for the sockets of c (nil is the
// default context, the one NewSocket uses). A context has at most one ZAP
// handler: if inproc://zeromq.zap.01 is bound already, the error wraps
// ErrAddrInUse. The authenticator refuses PLAIN and CURVE peers until told
// whom to let in.
func NewAuthenticator(c *Context, opts ...AuthOption) (*Authenticator, error) {
	if c == nil {
		c = defaultContext
	}
	a := &Authenticator{
		log:       slog.New(slog.DiscardHandler),
		done:      make(chan struct{}),
		allow:     map[string]bool{},
		deny:      map[string]bool{},
		passwords: map[string]string{},
		curveKeys: map[[32]byte]zmtp.Metadata{},
	}
	for _, o := range opts {
		o(a)
	}
	sock, err := c.NewSocket(REP, WithLinger(0))
	if err != nil {
		return nil, err
	}
	if err := sock.Bind(ZAPEndpoint); err != nil {
		sock.Close()
		return nil, fmt.Errorf("zmq: starting authenticator: %w", err)
	}
	a.sock = sock
	go a.serve()
	return a, nil
}

// Close stops the authenticator and unbinds inproc://zeromq.zap.01; it
// returns once its goroutine has ended. Handshakes waiting for its verdict
// are refused. Closing twice is harmless.
func (a *Authenticator) Close() error {
	a.sock.Close()
	<-a.done
	return nil
}

// Allow lets in only peers from the given IP addresses (czmq's ALLOW); call
// it again to add more. Over PLAIN and CURVE the peer must still
// authenticate.
func (a *Authenticator) Allow(addrs ...string) error {
	return a.addAddrs(a.allow, addrs)
}

// Deny keeps out peers from the given IP addresses (czmq's DENY), whatever
// their credentials.
func (a *Authenticator) Deny(addrs ...string) error {
	return a.addAddrs(a.deny, addrs)
}

func (a *Authenticator) addAddrs(set map[string]bool, addrs []string) error {
	norm := make([]string, len(addrs))
	for i, s := range addrs {
		ip := net.ParseIP(s)
		if ip == nil {
			return fmt.Errorf("%w: %q is not an IP address", ErrInvalid, s)
		}
		norm[i] = ip.String()
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, s := range norm {
		set[s] = true
	}
	return nil
}

// AllowPlain lets in PLAIN clients with these user names and passwords,
// adding to those already allowed.
func (a *Authenticator) AllowPlain(users map[string]string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	for u, p := range users {
		a.passwords[u] = p
	}
}

// AllowPlainFile reads user names and passwords from a file of
// "user=password" lines, as czmq's zauth does; blank lines and lines
// starting with # are skipped, and the password is everything after the
// first "=". A line without "=" is an error, and then nothing is added.
func (a *Authenticator) AllowPlainFile(path string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	users := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSuffix(sc.Text(), "\r")
		trimmed := strings.TrimSpace(line)
		if trimmed == "" || strings.HasPrefix(trimmed, "#") {
			continue
		}
		user, password, ok := strings.Cut(line, "=")
		user = strings.TrimSpace(user)
		if !ok || user == "" {
			return fmt.Errorf("%w: %s:%d: want user=password", ErrInvalid, path, n)
		}
		users[user] = password
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	a.AllowPlain(users)
	return nil
}

// AllowCurve lets in CURVE clients with these public keys, each 40
// characters of Z85. If any key is malformed, none is added.
func (a *Authenticator) AllowCurve(publicKeys ...string) error {
	keys := make([][32]byte, len(publicKeys))
	for i, k := range publicKeys {
		var err error
		if keys[i], err = decodeKey("client public", k); err != nil {
			return err
		}
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, k := range keys {
		a.curveKeys[k] = nil
	}
	return nil
}

// AllowCurveDir lets in CURVE clients whose certificates are in dir: files
// in czmq's certificate format (ZPL, RFC 4), whose curve section holds the
// public-key, as zcert_save writes them. Both the public and the
// "_secret" file of a certificate will do: only the public key is read.
// Files that are not certificates, and subdirectories, are skipped. The
// certificate's metadata section becomes properties of the client's
// messages. The directory is read once.
func (a *Authenticator) AllowCurveDir(dir string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	certs := map[[32]byte]zmtp.Metadata{}
	for _, e := range entries {
		if !e.Type().IsRegular() || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		path := filepath.Join(dir, e.Name())
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		key, meta, ok := parseCert(data)
		if !ok {
			continue
		}
		if existing, dup := certs[key]; dup && len(meta) == 0 {
			meta = existing // the _secret file may lack the metadata
		}
		certs[key] = meta
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	for k, m := range certs {
		a.curveKeys[k] = m
	}
	return nil
}

// AllowAnyCurve lets in every CURVE client whose handshake is valid
// (czmq's CURVE_ALLOW_ANY): the connection is encrypted, the client is not
// checked. The IP address lists still apply.
func (a *Authenticator) AllowAnyCurve() {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.curveAny = true
}

// parseCert reads the public key and metadata of a czmq certificate.
//
// ZPL is a tree written by indentation, four spaces a level, of "name" or
// "name = value" lines, values optionally quoted; # starts a comment.
func parseCert(data []byte) (key [32]byte, meta zmtp.Metadata, ok bool) {
	var path []string
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		line := strings.TrimRight(sc.Text(), " \t\r")
		content := strings.TrimLeft(line, " ")
		if content == "" || strings.HasPrefix(content, "#") {
			continue
		}
		depth := (len(line) - len(content)) / 4
		if depth > len(path) {
			return key, nil, false
		}
		path = path[:depth]
		name, value, hasValue := strings.Cut(content, "=")
		name = strings.TrimSpace(name)
		path = append(path, name)
		if !hasValue {
			continue
		}
		value = zplValue(value)
		switch {
		case depth == 1 && path[0] == "curve" && name == "public-key":
			k, err := z85.Decode(value)
			if err != nil || len(k) != 32 {
				return key, nil, false
			}
			copy(key[:], k)
			ok = true
		case depth == 1 && path[0] == "metadata" && name != "" && len(name) <= 255:
			meta = append(meta, zmtp.Property{Name: name, Value: value})
		}
	}
	return key, meta, ok
}

// zplValue unquotes a ZPL value, or cuts an unquoted one at a comment.
func zplValue(v string) string {
	v = strings.TrimSpace(v)
	if len(v) >= 2 && (v[0] == '"' || v[0] == '\'') {
		if end := strings.IndexByte(v[1:], v[0]); end >= 0 {
			return v[1 : 1+end]
		}
	}
	if i := strings.IndexByte(v, '#'); i >= 0 {
		v = strings.TrimSpace(v[:i])
	}
	return v
}

// serve answers requests until the socket is closed.
func (a *Authenticator) serve() {
	defer close(a.done)
	ctx := context.Background()
	for {
		m, err := a.sock.Recv(ctx)
		if err != nil {
			if errors.Is(err, ErrClosed) {
				return
			}
			a.log.Warn("zmq: authenticator receive failed", "err", err)
			continue
		}
		if err := a.sock.Send(ctx, NewMsg(a.handle(m.Frames)...)); errors.Is(err, ErrClosed) {
			return
		}
	}
}

// zapRequest is a ZAP request taken apart.
type zapRequest struct {
	id, domain, address, mechanism string
	credentials                    [][]byte
}

// handle turns one request into the reply's frames.
func (a *Authenticator) handle(frames [][]byte) [][]byte {
	if len(frames) < 6 || string(frames[0]) != zapVersion {
		id := []byte{}
		if len(frames) > 1 {
			id = frames[1]
		}
		a.log.Warn("zmq: authenticator got a malformed ZAP request", "frames", len(frames))
		return zapReplyFrames(id, "500", "malformed ZAP request", "", nil)
	}
	req := zapRequest{
		id:          string(frames[1]),
		domain:      string(frames[2]),
		address:     string(frames[3]),
		mechanism:   string(frames[5]),
		credentials: frames[6:],
	}
	userID, meta, reason := a.authenticate(&req)
	attrs := []any{"mechanism", req.mechanism, "domain", req.domain, "address", req.address}
	if userID != "" {
		attrs = append(attrs, "user", userID)
	}
	if reason != "" {
		a.log.Info("zmq: ZAP denied", append(attrs, "reason", reason)...)
		return zapReplyFrames(frames[1], "400", reason, "", nil)
	}
	a.log.Info("zmq: ZAP allowed", attrs...)
	return zapReplyFrames(frames[1], "200", "OK", userID, meta)
}

func zapReplyFrames(id []byte, code, text, userID string, meta zmtp.Metadata) [][]byte {
	return [][]byte{[]byte(zapVersion), id, []byte(code), []byte(text), []byte(userID), zmtp.AppendMetadata(nil, meta)}
}

// authenticate decides on a request, as czmq's zauth: the address lists
// first, then the mechanism. A non-empty reason is a refusal; userID may be
// set even then, for the log.
func (a *Authenticator) authenticate(req *zapRequest) (userID string, meta zmtp.Metadata, reason string) {
	a.mu.RLock()
	defer a.mu.RUnlock()
	addr := req.address
	if ip := net.ParseIP(addr); ip != nil {
		addr = ip.String()
	}
	switch {
	case a.deny[addr]:
		return "", nil, "address denied"
	case len(a.allow) > 0 && !a.allow[addr]:
		return "", nil, "address not allowed"
	}
	switch req.mechanism {
	case "NULL":
		return "", nil, ""
	case "PLAIN":
		if len(req.credentials) != 2 {
			return "", nil, "malformed PLAIN credentials"
		}
		user, password := string(req.credentials[0]), req.credentials[1]
		want, known := a.passwords[user]
		// Compare even for an unknown user, so timing tells nothing.
		match := subtle.ConstantTimeCompare([]byte(want), password) == 1
		if !known || !match {
			return user, nil, "invalid user name or password"
		}
		return user, nil, ""
	case "CURVE":
		if len(req.credentials) != 1 || len(req.credentials[0]) != 32 {
			return "", nil, "malformed CURVE credentials"
		}
		var key [32]byte
		copy(key[:], req.credentials[0])
		text, _ := z85.Encode(key[:])
		if a.curveAny {
			return text, nil, ""
		}
		m, known := a.curveKeys[key]
		if !known {
			return text, nil, "unknown client key"
		}
		return text, m, ""
	}
	return "", nil, "mechanism " + req.mechanism + " not supported"
}
