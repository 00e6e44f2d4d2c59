package zws

import (
	"bufio"
	"bytes"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/purezmq/zmq/internal/zmtp"
)

func TestAcceptKeyRFCExample(t *testing.T) {
	// RFC 6455 section 1.3.
	if got := AcceptKey("dGhlIHNhbXBsZSBub25jZQ=="); got != "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=" {
		t.Fatalf("AcceptKey = %q", got)
	}
}

func TestChoose(t *testing.T) {
	tests := []struct {
		mechanism string
		offered   []string
		want      string
	}{
		{"NULL", []string{ProtocolNull, ProtocolRaw}, ProtocolNull},
		{"NULL", []string{ProtocolRaw, ProtocolNull}, ProtocolRaw}, // the client's order, as libzmq
		{"NULL", []string{ProtocolRaw}, ProtocolRaw},               // jszmq
		{"NULL", []string{ProtocolPlain}, ""},
		{"PLAIN", []string{ProtocolNull, ProtocolRaw, ProtocolPlain}, ProtocolPlain},
		{"PLAIN", []string{ProtocolRaw}, ""}, // no mechanism is no security
		{"CURVE", []string{ProtocolCurve}, ProtocolCurve},
		{"CURVE", []string{"chat", "zws2.0/curve"}, ""},
		{"NULL", nil, ""},
	}
	for _, tt := range tests {
		if got := Choose(tt.mechanism, tt.offered); got != tt.want {
			t.Errorf("Choose(%s, %q) = %q, want %q", tt.mechanism, tt.offered, got, tt.want)
		}
	}
	for _, m := range []string{"NULL", "PLAIN", "CURVE"} {
		if got := Choose(m, Offer(m)); Mechanism(got) != m {
			t.Errorf("a %s server does not take a %s client's offer %q", m, m, Offer(m))
		}
	}
}

func readRequest(t *testing.T, raw string) *http.Request {
	t.Helper()
	r, err := http.ReadRequest(bufio.NewReader(strings.NewReader(raw)))
	if err != nil {
		t.Fatalf("ReadRequest: %v", err)
	}
	return r
}

const goodRequest = "GET /zmq HTTP/1.1\r\nHost: example.com\r\nUpgrade: websocket\r\nConnection: keep-alive, Upgrade\r\n" +
	"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: chat, ZWS2.0/NULL\r\n\r\n"

func TestCheckRequest(t *testing.T) {
	accept, protocol, err := CheckRequest(readRequest(t, goodRequest), "NULL")
	if err != nil || accept != "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=" || protocol != ProtocolNull {
		t.Fatalf("accept %q protocol %q err %v", accept, protocol, err)
	}
	tests := []struct {
		name, from, to string
		mechanism      string
		status         int
	}{
		{"POST", "GET ", "POST ", "NULL", http.StatusMethodNotAllowed},
		{"HTTP/1.0", "HTTP/1.1", "HTTP/1.0", "NULL", http.StatusBadRequest},
		{"no upgrade", "Upgrade: websocket", "Upgrade: h2c", "NULL", http.StatusBadRequest},
		{"no connection upgrade", "keep-alive, Upgrade", "keep-alive", "NULL", http.StatusBadRequest},
		{"old version", "Version: 13", "Version: 8", "NULL", http.StatusUpgradeRequired},
		{"short key", "dGhlIHNhbXBsZSBub25jZQ==", "c2hvcnQ=", "NULL", http.StatusBadRequest},
		{"no subprotocol", "Sec-WebSocket-Protocol: chat, ZWS2.0/NULL\r\n", "", "NULL", http.StatusBadRequest},
		{"wrong subprotocol", "ZWS2.0/NULL", "ZWS2.0/PLAIN", "NULL", http.StatusBadRequest},
		{"wrong mechanism", "ZWS2.0/NULL", "ZWS2.0/NULL", "CURVE", http.StatusBadRequest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := CheckRequest(readRequest(t, strings.Replace(goodRequest, tt.from, tt.to, 1)), tt.mechanism)
			var refusal *UpgradeError
			if !errors.As(err, &refusal) || refusal.Status != tt.status || !errors.Is(err, zmtp.ErrProtocol) {
				t.Fatalf("err %v, want a refusal with status %d", err, tt.status)
			}
		})
	}
}

func TestRequestResponseRoundTrip(t *testing.T) {
	key := NewKey([16]byte{1, 2, 3})
	req := AppendRequest(nil, "[::1]:5555", "/a/b", key, Offer("NULL"))
	r := readRequest(t, string(req))
	if r.Host != "[::1]:5555" || r.URL.Path != "/a/b" {
		t.Fatalf("host %q path %q", r.Host, r.URL.Path)
	}
	accept, protocol, err := CheckRequest(r, "NULL")
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(bytes.NewReader(AppendResponse(nil, accept, protocol))), nil)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := CheckResponse(resp, key, Offer("NULL")); err != nil || got != ProtocolNull {
		t.Fatalf("CheckResponse = %q, %v", got, err)
	}
	if got, err := CheckResponse(resp, NewKey([16]byte{9}), Offer("NULL")); err == nil {
		t.Fatalf("a wrong accept key was taken (%q)", got)
	}
	if got, err := CheckResponse(resp, key, Offer("PLAIN")); err == nil {
		t.Fatalf("a subprotocol not offered was taken (%q)", got)
	}
}

func TestRefusalIsHTTP(t *testing.T) {
	resp, err := http.ReadResponse(bufio.NewReader(bytes.NewReader(AppendRefusal(nil, http.StatusUpgradeRequired, "old"))), nil)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusUpgradeRequired || resp.Header.Get("Sec-WebSocket-Version") != "13" {
		t.Fatalf("status %d headers %v", resp.StatusCode, resp.Header)
	}
	if _, err := CheckResponse(resp, "x", Offer("NULL")); !errors.Is(err, zmtp.ErrProtocol) {
		t.Fatalf("a refusal read as %v", err)
	}
}

// FuzzCheckRequest feeds arbitrary bytes to the server side of the upgrade
// as it reads them: net/http's parser, then CheckRequest.
func FuzzCheckRequest(f *testing.F) {
	f.Add([]byte(goodRequest))
	f.Add(AppendRequest(nil, "h:1", "/", NewKey([16]byte{}), Offer("CURVE")))
	f.Add([]byte("GET / HTTP/1.1\r\nSec-WebSocket-Protocol: ,,,\r\n\r\n"))
	f.Fuzz(func(t *testing.T, raw []byte) {
		r, err := http.ReadRequest(bufio.NewReader(bytes.NewReader(raw)))
		if err != nil {
			return
		}
		for _, m := range []string{"NULL", "PLAIN", "CURVE"} {
			accept, protocol, err := CheckRequest(r, m)
			if err != nil {
				var refusal *UpgradeError
				if !errors.As(err, &refusal) || refusal.Status < 400 {
					t.Fatalf("refused without an HTTP error status: %v", err)
				}
				continue
			}
			if accept == "" || Choose(m, []string{protocol}) != protocol {
				t.Fatalf("accepted %q for %s", protocol, m)
			}
		}
	})
}

// FuzzCheckResponse feeds arbitrary bytes to the client side of the upgrade.
func FuzzCheckResponse(f *testing.F) {
	key := NewKey([16]byte{7})
	f.Add(AppendResponse(nil, AcceptKey(key), ProtocolNull))
	f.Add(AppendRefusal(nil, 404, "no"))
	f.Fuzz(func(t *testing.T, raw []byte) {
		resp, err := http.ReadResponse(bufio.NewReader(bytes.NewReader(raw)), nil)
		if err != nil {
			return
		}
		protocol, err := CheckResponse(resp, key, Offer("NULL"))
		if err == nil && protocol != ProtocolNull && protocol != ProtocolRaw {
			t.Fatalf("took subprotocol %q", protocol)
		}
	})
}
