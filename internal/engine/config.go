// Package engine speaks ZMTP over one connection: it runs the handshake, then
// moves messages between the connection and a pipe's queues, batching many
// messages into each read and each write.
package engine

import (
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/purezmq/zmq/internal/zmtp"
)

// Config is what a socket tells each of its connections.
type Config struct {
	// SocketType is sent in READY and checked against the peer's.
	SocketType string
	// RoutingID is sent as the Identity property (ZMQ_ROUTING_ID).
	RoutingID []byte
	// NewMechanism builds this side's security mechanism for one connection.
	NewMechanism func(zmtp.Config) zmtp.Mechanism
	// AsServer is the greeting's as-server flag: this side is the server of
	// the security mechanism (PLAIN, CURVE), not of the connection.
	AsServer bool
	// ZAP, when set, asks the authentication handler about a peer.
	ZAP func(*zmtp.ZAPRequest) zmtp.ZAPReply
	// ZAPDomain is passed to the handler (ZMQ_ZAP_DOMAIN).
	ZAPDomain string
	// OldestZMTP is the oldest ZMTP major version a peer may speak: 1 or 2
	// also take ZMTP 1.0 and 2.0 peers (NULL only, see oldestVersion);
	// anything else takes ZMTP 3.x peers only.
	OldestZMTP int
	// HandshakeTimeout bounds the greeting and security handshake (0: none).
	HandshakeTimeout time.Duration
	// MaxMsgSize bounds each frame's size (negative: none). A peer that
	// declares a bigger frame is dropped before anything is allocated.
	MaxMsgSize int64
	// Heartbeat sends a PING every Interval; a peer silent for Timeout is
	// dropped; TTL is what the peer is asked to wait for us (0: none).
	HeartbeatInterval, HeartbeatTimeout, HeartbeatTTL time.Duration
	// Parts is the form messages from the peer must have; a peer that
	// breaks it is dropped.
	Parts Parts
	// Metadata are more properties sent in READY (ZMQ_METADATA).
	Metadata zmtp.Metadata
	// Hello is a message sent to the peer first on the connection,
	// before anything queued (ZMQ_HELLO_MSG); nil sends none.
	Hello [][]byte
	// Log receives a line per dropped connection; nil logs nothing.
	Log *slog.Logger
	// Stats counts why connections ended.
	Stats *Stats
	// Closing tells that the socket is closing (nil: it never does).
	Closing *Closing
}

// Parts says which messages a socket type takes from the wire.
type Parts uint8

const (
	// AnyParts takes messages of any number of frames.
	AnyParts Parts = iota
	// OnePart takes single-frame messages only (the draft types).
	OnePart
	// GroupAndBody takes a group frame of up to zmtp.MaxGroupLength bytes
	// and a body frame: a DISH reading what a RADIO writes, the form its
	// messages keep in the pipe (pipe.Msg).
	GroupAndBody
)

// Stats counts connections dropped, by reason, and what closing the socket
// gave up on. Safe for concurrent use.
type Stats struct {
	ProtocolErrors    atomic.Int64
	AuthFailures      atomic.Int64
	HandshakeTimeouts atomic.Int64
	OversizedMessages atomic.Int64
	HeartbeatTimeouts atomic.Int64
	// RefusedPeers are connections an accept filter closed; the socket
	// counts them, not the engine.
	RefusedPeers atomic.Int64
	// ProxyFailures are connection attempts a SOCKS proxy failed; the
	// socket counts them.
	ProxyFailures atomic.Int64
	// CloseDroppedMessages counts messages a closing socket dropped
	// unsent; CloseAbandonedPeers the connections and endpoints it
	// stopped waiting for before they had everything.
	CloseDroppedMessages atomic.Int64
	CloseAbandonedPeers  atomic.Int64
}

func (c *Config) logger() *slog.Logger {
	if c.Log == nil {
		return discard
	}
	return c.Log
}

var discard = slog.New(slog.DiscardHandler)
