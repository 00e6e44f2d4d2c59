package main

import (
	"crypto/ecdsa"
	"crypto/x509"
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/purezmq/zmq/internal/testcert"
)

// writeCert writes a self-signed certificate for 127.0.0.1 (testcert's)
// and its key as PEM files, and returns their paths.
func writeCert(t *testing.T) (certFile, keyFile string) {
	t.Helper()
	server, _ := testcert.TLS(t)
	cert := server.Certificates[0]
	keyDER, err := x509.MarshalECPrivateKey(cert.PrivateKey.(*ecdsa.PrivateKey))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Certificate[0]}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}), 0o600); err != nil {
		t.Fatal(err)
	}
	return certFile, keyFile
}

func TestWebSocketEndpoints(t *testing.T) {
	certFile, keyFile := writeCert(t)
	for _, c := range []struct {
		scheme      string
		server, cli []string
	}{
		{"ws", nil, nil},
		{"wss", []string{"--tls-cert", certFile, "--tls-key", keyFile}, []string{"--tls-ca", certFile}},
	} {
		t.Run(c.scheme, func(t *testing.T) {
			ep := c.scheme + "://" + strings.TrimPrefix(freeTCP(t), "tcp://") + "/zmq"
			rep := startZmq(t, 60*time.Second, append([]string{"rep", "--echo", "--bind", ep, "--count", "1", "--timeout", "50s"}, c.server...)...)
			r := runZmq(t, 30*time.Second, append([]string{"req", "--connect", ep, "--timeout", "25s", "over " + c.scheme}, c.cli...)...)
			wantSuccess(t, r)
			if r.stdout != "over "+c.scheme+"\n" {
				t.Errorf("req printed %q", r.stdout)
			}
			wantSuccess(t, rep())
		})
	}
}

func TestWebSocketFlagErrors(t *testing.T) {
	certFile, _ := writeCert(t)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"recv", "--bind", "wss://127.0.0.1:*/zmq"}, "needs --tls-cert and --tls-key"},
		{[]string{"recv", "--bind", "wss://127.0.0.1:*/zmq", "--tls-cert", certFile}, "go together"},
		{[]string{"recv", "--bind", "tcp://127.0.0.1:*", "--tls-ca", certFile}, "are for wss://"},
		{[]string{"send", "--connect", "wss://127.0.0.1:9/zmq", "--tls-ca", os.DevNull, "x"}, "no PEM certificate"},
	} {
		r := runZmq(t, 10*time.Second, c.args...)
		if r.code != 2 || !strings.Contains(r.stderr, c.want) {
			t.Errorf("%q: exit status %d, stderr %q; want 2 and %q", c.args, r.code, r.stderr, c.want)
		}
	}
}
