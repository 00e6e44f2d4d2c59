package zmq_test

import (
	"errors"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/purezmq/zmq"
	"github.com/purezmq/zmq/internal/testlog"
	"github.com/purezmq/zmq/internal/zmtp"
)

func newAuthenticator(t *testing.T, c *zmq.Context, opts ...zmq.AuthOption) *zmq.Authenticator {
	t.Helper()
	a, err := zmq.NewAuthenticator(c, opts...)
	if err != nil {
		t.Fatalf("NewAuthenticator: %v", err)
	}
	t.Cleanup(func() { a.Close() })
	return a
}

// handshakeOutcome waits for the monitor to report the next handshake's
// outcome: success, or a failure of any kind.
func handshakeOutcome(t *testing.T, m *zmq.Monitor) zmq.Event {
	t.Helper()
	return nextEvent(t, m, zmq.EventHandshakeSucceeded, zmq.EventHandshakeFailedAuth,
		zmq.EventHandshakeFailedProtocol, zmq.EventHandshakeFailedNoDetail)
}

func wantEvent(t *testing.T, who string, e zmq.Event, want zmq.EventType) {
	t.Helper()
	if e.Type != want {
		t.Fatalf("%s: handshake ended with %v, want %v", who, e, want)
	}
}

func TestAuthenticatorPlain(t *testing.T) {
	for _, tr := range zapTransports {
		t.Run(tr.name, func(t *testing.T) {
			c := newContext(t)
			auth := newAuthenticator(t, c)
			auth.AllowPlain(map[string]string{"admin": "secret", "guest": "guest"})

			server := ctxSocket(t, c, zmq.PULL, zmq.WithPlainServer())
			serverMon := server.Monitor(zmq.EventAll)
			endpoint := bind(t, server, tr.endpoint(t))

			good := ctxSocket(t, c, zmq.PUSH, zmq.WithPlainClient("admin", "secret"))
			connect(t, good, endpoint)
			send(t, good, "hello")
			m := recvMsg(t, server)
			if m.String() != "hello" {
				t.Fatalf("received %q", m.String())
			}
			wantProperty(t, m, "User-Id", "admin")
			wantEvent(t, "server", handshakeOutcome(t, serverMon), zmq.EventHandshakeSucceeded)

			bad := ctxSocket(t, c, zmq.PUSH, zmq.WithPlainClient("admin", "wrong"))
			badMon := bad.Monitor(zmq.EventAll)
			connect(t, bad, endpoint)
			wantEvent(t, "refused client", handshakeOutcome(t, badMon), zmq.EventHandshakeFailedAuth)
			wantEvent(t, "server", handshakeOutcome(t, serverMon), zmq.EventHandshakeFailedAuth)

			// The good client is still served.
			send(t, good, "again")
			expect(t, server, "again")
		})
	}
}

func TestAuthenticatorPlainFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "passwords")
	content := "# users\n\nadmin=s3cret=with=equals\r\n  # indented comment\nbob=pw\n"
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	c := newContext(t)
	auth := newAuthenticator(t, c)
	if err := auth.AllowPlainFile(path); err != nil {
		t.Fatal(err)
	}
	server := ctxSocket(t, c, zmq.PULL, zmq.WithPlainServer())
	endpoint := bind(t, server, "tcp://127.0.0.1:*")
	client := ctxSocket(t, c, zmq.PUSH, zmq.WithPlainClient("admin", "s3cret=with=equals"))
	connect(t, client, endpoint)
	send(t, client, "in")
	wantProperty(t, recvMsg(t, server), "User-Id", "admin")

	bad := filepath.Join(dir, "bad")
	if err := os.WriteFile(bad, []byte("admin=x\nno equals sign\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := auth.AllowPlainFile(bad); !errors.Is(err, zmq.ErrInvalid) || !strings.Contains(err.Error(), ":2:") {
		t.Fatalf("AllowPlainFile(malformed) = %v, want ErrInvalid at line 2", err)
	}
	if err := auth.AllowPlainFile(filepath.Join(dir, "missing")); err == nil {
		t.Fatal("AllowPlainFile(missing file) succeeded")
	}
}

func curveKeys(t *testing.T) (public, secret string) {
	t.Helper()
	public, secret, err := zmq.NewCurveKeyPair()
	if err != nil {
		t.Fatal(err)
	}
	return public, secret
}

func TestAuthenticatorCurve(t *testing.T) {
	for _, tr := range zapTransports {
		t.Run(tr.name, func(t *testing.T) {
			c := newContext(t)
			auth := newAuthenticator(t, c)
			serverPub, serverSec := curveKeys(t)
			clientPub, clientSec := curveKeys(t)
			otherPub, otherSec := curveKeys(t)
			if err := auth.AllowCurve(clientPub); err != nil {
				t.Fatal(err)
			}

			server := ctxSocket(t, c, zmq.PULL, zmq.WithCurveServer(serverSec))
			serverMon := server.Monitor(zmq.EventAll)
			endpoint := bind(t, server, tr.endpoint(t))

			client := ctxSocket(t, c, zmq.PUSH, zmq.WithCurveClient(serverPub, clientPub, clientSec))
			clientMon := client.Monitor(zmq.EventAll)
			connect(t, client, endpoint)
			wantEvent(t, "allowed client", handshakeOutcome(t, clientMon), zmq.EventHandshakeSucceeded)
			wantEvent(t, "server", handshakeOutcome(t, serverMon), zmq.EventHandshakeSucceeded)
			send(t, client, "hello")
			wantProperty(t, recvMsg(t, server), "User-Id", clientPub)

			other := ctxSocket(t, c, zmq.PUSH, zmq.WithCurveClient(serverPub, otherPub, otherSec))
			otherMon := other.Monitor(zmq.EventAll)
			connect(t, other, endpoint)
			wantEvent(t, "unknown client", handshakeOutcome(t, otherMon), zmq.EventHandshakeFailedAuth)
			wantEvent(t, "server", handshakeOutcome(t, serverMon), zmq.EventHandshakeFailedAuth)
		})
	}
}

func TestAuthenticatorAnyCurve(t *testing.T) {
	c := newContext(t)
	auth := newAuthenticator(t, c)
	serverPub, serverSec := curveKeys(t)
	clientPub, clientSec := curveKeys(t)

	server := ctxSocket(t, c, zmq.PULL, zmq.WithCurveServer(serverSec))
	serverMon := server.Monitor(zmq.EventAll)
	endpoint := bind(t, server, "tcp://127.0.0.1:*")

	// Before AllowAnyCurve an unknown key is refused...
	client := ctxSocket(t, c, zmq.PUSH, zmq.WithCurveClient(serverPub, clientPub, clientSec))
	connect(t, client, endpoint)
	wantEvent(t, "server", handshakeOutcome(t, serverMon), zmq.EventHandshakeFailedAuth)
	client.Close()

	// ...after it, any key gets in, and is the User-Id.
	auth.AllowAnyCurve()
	client2 := ctxSocket(t, c, zmq.PUSH, zmq.WithCurveClient(serverPub, clientPub, clientSec))
	connect(t, client2, endpoint)
	// Retries of the first client may still be in flight.
	deadline := time.Now().Add(testTimeout)
	for handshakeOutcome(t, serverMon).Type != zmq.EventHandshakeSucceeded {
		if time.Now().After(deadline) {
			t.Fatal("no successful handshake after AllowAnyCurve")
		}
	}
	send(t, client2, "any")
	wantProperty(t, recvMsg(t, server), "User-Id", clientPub)
}

func TestAuthenticatorCurveDir(t *testing.T) {
	dir := t.TempDir()
	serverPub, serverSec := curveKeys(t)
	clientPub, clientSec := curveKeys(t)
	otherPub, _ := curveKeys(t)
	// As czmq's zcert_save writes them.
	cert := `#   ****  Generated on 2024-01-01 00:00:00 by CZMQ  ****
#   ZeroMQ CURVE Public Certificate
#   Exchange securely, or use a secure mechanism to verify the contents
#   of this file after exchange. Store public certificates in your home
#   directory, in the .curve subdirectory.

metadata
    name = "client one"    # who
    email = 'one@example.com'
curve
    public-key = "` + clientPub + `"
`
	secretCert := `#   ZeroMQ CURVE **Secret** Certificate
#   DO NOT PROVIDE THIS FILE TO OTHER USERS nor change its permissions.

metadata
curve
    public-key = "` + otherPub + `"
    secret-key = "not read"
`
	files := map[string]string{
		"client.key":          cert,
		"other.key_secret":    secretCert,
		"README":              "not a certificate\n",
		"broken.key":          "curve\n    public-key = \"short\"\n",
		".hidden":             "curve\n    public-key = \"" + serverPub + "\"\n",
		"sub/ignored.key.txt": "",
	}
	for name, text := range files {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}

	c := newContext(t)
	auth := newAuthenticator(t, c)
	if err := auth.AllowCurveDir(dir); err != nil {
		t.Fatal(err)
	}
	server := ctxSocket(t, c, zmq.PULL, zmq.WithCurveServer(serverSec))
	endpoint := bind(t, server, "tcp://127.0.0.1:*")
	client := ctxSocket(t, c, zmq.PUSH, zmq.WithCurveClient(serverPub, clientPub, clientSec))
	connect(t, client, endpoint)
	send(t, client, "certified")
	m := recvMsg(t, server)
	wantProperty(t, m, "User-Id", clientPub)
	wantProperty(t, m, "name", "client one")
	wantProperty(t, m, "email", "one@example.com")

	if err := auth.AllowCurveDir(filepath.Join(dir, "missing")); err == nil {
		t.Fatal("AllowCurveDir(missing) succeeded")
	}
}

func TestAuthenticatorCurveKeyValidation(t *testing.T) {
	c := newContext(t)
	auth := newAuthenticator(t, c)
	if err := auth.AllowCurve("too short"); !errors.Is(err, zmq.ErrInvalid) {
		t.Fatalf("AllowCurve(bad key) = %v, want ErrInvalid", err)
	}
	if err := auth.Allow("127.0.0.l"); !errors.Is(err, zmq.ErrInvalid) {
		t.Fatalf("Allow(bad address) = %v, want ErrInvalid", err)
	}
	if err := auth.Deny("localhost"); !errors.Is(err, zmq.ErrInvalid) {
		t.Fatalf("Deny(host name) = %v, want ErrInvalid", err)
	}
}

func TestAuthenticatorDenyNull(t *testing.T) {
	c := newContext(t)
	auth := newAuthenticator(t, c)
	if err := auth.Deny("127.0.0.1"); err != nil {
		t.Fatal(err)
	}

	// With a domain NULL asks ZAP, and the address is refused.
	server := ctxSocket(t, c, zmq.PULL, zmq.WithZAPDomain("global"))
	serverMon := server.Monitor(zmq.EventAll)
	client := ctxSocket(t, c, zmq.PUSH)
	clientMon := client.Monitor(zmq.EventAll)
	connect(t, client, bind(t, server, "tcp://127.0.0.1:*"))
	wantEvent(t, "server", handshakeOutcome(t, serverMon), zmq.EventHandshakeFailedAuth)
	wantEvent(t, "refused client", handshakeOutcome(t, clientMon), zmq.EventHandshakeFailedAuth)

	// Without one it does not, and the client gets in.
	open := ctxSocket(t, c, zmq.PULL)
	client2 := ctxSocket(t, c, zmq.PUSH)
	connect(t, client2, bind(t, open, "tcp://127.0.0.1:*"))
	send(t, client2, "in")
	expect(t, open, "in")

	// Over ipc there is no address to deny.
	ipc := ctxSocket(t, c, zmq.PULL, zmq.WithZAPDomain("global"))
	client3 := ctxSocket(t, c, zmq.PUSH)
	connect(t, client3, bind(t, ipc, "ipc://"+t.TempDir()+"/n"))
	send(t, client3, "ipc")
	m := recvMsg(t, ipc)
	wantProperty(t, m, "User-Id", "")
}

func TestAuthenticatorAllowList(t *testing.T) {
	c := newContext(t)
	auth := newAuthenticator(t, c)
	auth.AllowPlain(map[string]string{"admin": "secret"})
	if err := auth.Allow("192.0.2.1"); err != nil {
		t.Fatal(err)
	}
	server := ctxSocket(t, c, zmq.PULL, zmq.WithPlainServer())
	serverMon := server.Monitor(zmq.EventAll)
	endpoint := bind(t, server, "tcp://127.0.0.1:*")
	client := ctxSocket(t, c, zmq.PUSH, zmq.WithPlainClient("admin", "secret"))
	connect(t, client, endpoint)
	// Good credentials, but not from an allowed address.
	wantEvent(t, "server", handshakeOutcome(t, serverMon), zmq.EventHandshakeFailedAuth)

	if err := auth.Allow("127.0.0.1"); err != nil {
		t.Fatal(err)
	}
	send(t, client, "allowed now") // the client keeps retrying
	expect(t, server, "allowed now")
}

func TestAuthenticatorOnePerContext(t *testing.T) {
	c := newContext(t)
	first, err := zmq.NewAuthenticator(c)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := zmq.NewAuthenticator(c); !errors.Is(err, zmq.ErrAddrInUse) {
		t.Fatalf("second NewAuthenticator = %v, want ErrAddrInUse", err)
	}
	// Another context has a namespace of its own.
	newAuthenticator(t, newContext(t))
	if err := first.Close(); err != nil {
		t.Fatal(err)
	}
	if err := first.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	newAuthenticator(t, c)
}

func TestAuthenticatorDefaultContext(t *testing.T) {
	auth, err := zmq.NewAuthenticator(nil)
	if err != nil {
		t.Fatal(err)
	}
	defer auth.Close()
	auth.AllowPlain(map[string]string{"u": "p"})
	server := newSocket(t, zmq.PULL, zmq.WithPlainServer())
	client := newSocket(t, zmq.PUSH, zmq.WithPlainClient("u", "p"))
	connect(t, client, bind(t, server, "tcp://127.0.0.1:*"))
	send(t, client, "default")
	wantProperty(t, recvMsg(t, server), "User-Id", "u")
}

// A handler replaced while clients of the old one sit in the pool: the
// new one is asked.
func TestAuthenticatorReplaced(t *testing.T) {
	c := newContext(t)
	first, err := zmq.NewAuthenticator(c)
	if err != nil {
		t.Fatal(err)
	}
	first.AllowPlain(map[string]string{"u": "old"})
	server := ctxSocket(t, c, zmq.PULL, zmq.WithPlainServer())
	endpoint := bind(t, server, "tcp://127.0.0.1:*")
	c1 := ctxSocket(t, c, zmq.PUSH, zmq.WithPlainClient("u", "old"))
	connect(t, c1, endpoint)
	send(t, c1, "one")
	expect(t, server, "one")
	first.Close()

	second := newAuthenticator(t, c)
	second.AllowPlain(map[string]string{"u": "new"})
	c2 := ctxSocket(t, c, zmq.PUSH, zmq.WithPlainClient("u", "new"))
	connect(t, c2, endpoint)
	send(t, c2, "two")
	expect(t, server, "two")
}

func TestAuthenticatorLogsDecisions(t *testing.T) {
	var logs testlog.Buffer
	c := newContext(t)
	auth := newAuthenticator(t, c, zmq.WithAuthLogger(slog.New(slog.NewTextHandler(&logs, nil))))
	auth.AllowPlain(map[string]string{"admin": "hunter2"})
	server := ctxSocket(t, c, zmq.PULL, zmq.WithPlainServer())
	serverMon := server.Monitor(zmq.EventAll)
	endpoint := bind(t, server, "tcp://127.0.0.1:*")
	good := ctxSocket(t, c, zmq.PUSH, zmq.WithPlainClient("admin", "hunter2"))
	connect(t, good, endpoint)
	wantEvent(t, "server", handshakeOutcome(t, serverMon), zmq.EventHandshakeSucceeded)
	bad := ctxSocket(t, c, zmq.PUSH, zmq.WithPlainClient("admin", "letmein"))
	connect(t, bad, endpoint)
	wantEvent(t, "server", handshakeOutcome(t, serverMon), zmq.EventHandshakeFailedAuth)

	out := logs.String()
	for _, want := range []string{"ZAP allowed", "ZAP denied", "user=admin", "mechanism=PLAIN", "invalid user name or password"} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %q:\n%s", want, out)
		}
	}
	for _, secret := range []string{"hunter2", "letmein"} {
		if strings.Contains(out, secret) {
			t.Errorf("log shows password %q:\n%s", secret, out)
		}
	}
}

// A peer cannot pose as a user by sending a User-Id of its own: the ZAP
// handler's word wins, as in libzmq.
func TestAuthenticatorUserIDNotSpoofable(t *testing.T) {
	c := newContext(t)
	newAuthenticator(t, c)
	server := ctxSocket(t, c, zmq.PULL, zmq.WithZAPDomain("global"))
	endpoint := bind(t, server, "tcp://127.0.0.1:*")

	conn, err := net.Dial("tcp", strings.TrimPrefix(endpoint, "tcp://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(testTimeout))
	var out []byte
	out = zmtp.Greeting{Major: 3, Minor: 1, Mechanism: "NULL"}.Append(out)
	out = zmtp.AppendCommand(out, zmtp.CmdReady, zmtp.AppendMetadata(nil, zmtp.Metadata{
		{Name: "Socket-Type", Value: "PUSH"}, {Name: "User-Id", Value: "admin"},
	}))
	out = append(out, 0, 5) // a message frame: no flags, 5 bytes
	out = append(out, "spoof"...)
	if _, err := conn.Write(out); err != nil {
		t.Fatal(err)
	}
	// Read the server's greeting and READY so the connection is not reset.
	go io.Copy(io.Discard, conn)

	m := recvMsg(t, server)
	if uid, _ := m.Property("User-Id"); uid != "" {
		t.Fatalf("User-Id %q: the peer chose its own", uid)
	}
}
