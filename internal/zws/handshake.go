package zws

import (
	"crypto/sha1"
	"encoding/base64"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/purezmq/zmq/internal/zmtp"
)

// The subprotocols of RFC 45, one per mechanism, and "ZWS2.0" with no
// mechanism at all: each side's first message is its routing id, as in
// ZMTP 2.0 (what jszmq speaks).
const (
	ProtocolRaw   = "ZWS2.0"
	ProtocolNull  = "ZWS2.0/NULL"
	ProtocolPlain = "ZWS2.0/PLAIN"
	ProtocolCurve = "ZWS2.0/CURVE"
)

// Offer lists the subprotocols a client using mechanism offers, preferred
// first, as libzmq 4.3.5 does: a NULL client also takes a server that only
// knows "ZWS2.0".
func Offer(mechanism string) []string {
	switch mechanism {
	case "PLAIN":
		return []string{ProtocolPlain}
	case "CURVE":
		return []string{ProtocolCurve}
	}
	return []string{ProtocolNull, ProtocolRaw}
}

// Choose picks the first of the client's subprotocols that a server using
// mechanism speaks, as libzmq does; "" if there is none.
func Choose(mechanism string, offered []string) string {
	for _, p := range offered {
		if Mechanism(p) == mechanism || p == ProtocolRaw && mechanism == "NULL" {
			return p
		}
	}
	return ""
}

// Mechanism is the mechanism a subprotocol runs: "" for ProtocolRaw and
// for anything that is not a ZWS 2.0 subprotocol.
func Mechanism(protocol string) string {
	switch protocol {
	case ProtocolNull:
		return "NULL"
	case ProtocolPlain:
		return "PLAIN"
	case ProtocolCurve:
		return "CURVE"
	}
	return ""
}

// keyGUID is what RFC 6455 appends to the client's key before hashing it.
const keyGUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

// AcceptKey is the Sec-WebSocket-Accept answer to a Sec-WebSocket-Key.
func AcceptKey(key string) string {
	sum := sha1.Sum([]byte(key + keyGUID))
	return base64.StdEncoding.EncodeToString(sum[:])
}

// NewKey encodes 16 random bytes as a Sec-WebSocket-Key.
func NewKey(nonce [16]byte) string {
	return base64.StdEncoding.EncodeToString(nonce[:])
}

// AppendRequest appends a client's opening handshake for path on host
// ("host:port"), offering protocols.
func AppendRequest(dst []byte, host, path, key string, protocols []string) []byte {
	if path == "" {
		path = "/"
	}
	dst = append(dst, "GET "...)
	dst = append(dst, path...)
	dst = append(dst, " HTTP/1.1\r\nHost: "...)
	dst = append(dst, host...)
	dst = append(dst, "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: "...)
	dst = append(dst, key...)
	dst = append(dst, "\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: "...)
	dst = append(dst, strings.Join(protocols, ", ")...)
	return append(dst, "\r\n\r\n"...)
}

// UpgradeError is a refused upgrade request: the HTTP status to answer
// with and why. It wraps zmtp.ErrProtocol, so it counts as a protocol error.
type UpgradeError struct {
	Status int
	Reason string
}

func (e *UpgradeError) Error() string {
	return fmt.Sprintf("zmq: WebSocket upgrade refused (%d %s): %s", e.Status, http.StatusText(e.Status), e.Reason)
}

func (e *UpgradeError) Unwrap() error { return zmtp.ErrProtocol }

func refuse(status int, format string, args ...any) *UpgradeError {
	return &UpgradeError{Status: status, Reason: fmt.Sprintf(format, args...)}
}

// CheckRequest validates a client's opening handshake (RFC 6455 section
// 4.2.1) and picks the subprotocol for a server using mechanism. On
// success it returns the Sec-WebSocket-Accept value and the subprotocol.
func CheckRequest(r *http.Request, mechanism string) (accept, protocol string, err error) {
	switch {
	case r.Method != http.MethodGet:
		return "", "", refuse(http.StatusMethodNotAllowed, "method %s, want GET", r.Method)
	case !r.ProtoAtLeast(1, 1):
		return "", "", refuse(http.StatusBadRequest, "%s, want HTTP/1.1 or later", r.Proto)
	case !hasToken(r.Header, "Connection", "upgrade"):
		return "", "", refuse(http.StatusBadRequest, "no Connection: Upgrade")
	case !hasToken(r.Header, "Upgrade", "websocket"):
		return "", "", refuse(http.StatusBadRequest, "no Upgrade: websocket")
	case r.Header.Get("Sec-WebSocket-Version") != "13":
		return "", "", refuse(http.StatusUpgradeRequired, "Sec-WebSocket-Version %q, want 13", r.Header.Get("Sec-WebSocket-Version"))
	}
	key := r.Header.Get("Sec-WebSocket-Key")
	if raw, err := base64.StdEncoding.DecodeString(key); err != nil || len(raw) != 16 {
		return "", "", refuse(http.StatusBadRequest, "Sec-WebSocket-Key %q is not 16 bytes of base64", key)
	}
	offered := Protocols(r.Header)
	protocol = Choose(mechanism, offered)
	if protocol == "" {
		return "", "", refuse(http.StatusBadRequest, "no ZWS 2.0 subprotocol for the %s mechanism among %q (want %s)", mechanism, offered, strings.Join(Offer(mechanism), " or "))
	}
	return AcceptKey(key), protocol, nil
}

// Protocols lists the subprotocols in a Sec-WebSocket-Protocol header, which
// may be repeated and comma-separated.
func Protocols(h http.Header) []string {
	var out []string
	for _, v := range h.Values("Sec-WebSocket-Protocol") {
		for _, p := range strings.Split(v, ",") {
			if p = strings.TrimSpace(p); p != "" {
				out = append(out, p)
			}
		}
	}
	return out
}

// hasToken reports whether the comma-separated header name holds token,
// compared without regard to case.
func hasToken(h http.Header, name, token string) bool {
	for _, v := range h.Values(name) {
		for _, t := range strings.Split(v, ",") {
			if strings.EqualFold(strings.TrimSpace(t), token) {
				return true
			}
		}
	}
	return false
}

// AppendResponse appends the server's answer accepting an upgrade.
func AppendResponse(dst []byte, accept, protocol string) []byte {
	dst = append(dst, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: "...)
	dst = append(dst, accept...)
	dst = append(dst, "\r\nSec-WebSocket-Protocol: "...)
	dst = append(dst, protocol...)
	return append(dst, "\r\n\r\n"...)
}

// AppendRefusal appends a complete HTTP response refusing an upgrade, for
// a server that reads requests itself rather than through net/http.
func AppendRefusal(dst []byte, status int, reason string) []byte {
	dst = append(dst, "HTTP/1.1 "...)
	dst = strconv.AppendInt(dst, int64(status), 10)
	dst = append(dst, ' ')
	dst = append(dst, http.StatusText(status)...)
	dst = append(dst, "\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\n"...)
	if status == http.StatusUpgradeRequired {
		dst = append(dst, "Sec-WebSocket-Version: 13\r\n"...)
	}
	dst = append(dst, "Content-Length: "...)
	dst = strconv.AppendInt(dst, int64(len(reason)+1), 10)
	dst = append(dst, "\r\n\r\n"...)
	dst = append(dst, reason...)
	return append(dst, '\n')
}

// CheckResponse validates the server's answer to a request made with key
// offering protocols (RFC 6455 section 4.1), and returns the subprotocol the
// server chose.
func CheckResponse(resp *http.Response, key string, offered []string) (string, error) {
	if resp.StatusCode != http.StatusSwitchingProtocols {
		return "", fmt.Errorf("%w: WebSocket upgrade answered %s", zmtp.ErrProtocol, resp.Status)
	}
	if !hasToken(resp.Header, "Connection", "upgrade") || !hasToken(resp.Header, "Upgrade", "websocket") {
		return "", fmt.Errorf("%w: WebSocket upgrade answered without Upgrade: websocket and Connection: Upgrade", zmtp.ErrProtocol)
	}
	if got := resp.Header.Get("Sec-WebSocket-Accept"); got != AcceptKey(key) {
		return "", fmt.Errorf("%w: WebSocket upgrade answered Sec-WebSocket-Accept %q, want %q", zmtp.ErrProtocol, got, AcceptKey(key))
	}
	chosen := Protocols(resp.Header)
	if len(chosen) != 1 {
		return "", fmt.Errorf("%w: WebSocket upgrade answered subprotocols %q, want one of %q", zmtp.ErrProtocol, chosen, offered)
	}
	for _, p := range offered {
		if p == chosen[0] {
			return p, nil
		}
	}
	return "", fmt.Errorf("%w: server chose subprotocol %q, not one of %q", zmtp.ErrProtocol, chosen[0], offered)
}
