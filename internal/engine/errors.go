package engine

import "errors"

var (
	// ErrHandshakeTimeout: the peer did not finish the handshake in time.
	ErrHandshakeTimeout = errors.New("zmq: handshake timed out")
	// ErrHeartbeatTimeout: the peer went silent for longer than allowed.
	ErrHeartbeatTimeout = errors.New("zmq: heartbeat timed out")
	// ErrSocketType: the peer's socket type cannot talk to ours.
	ErrSocketType = errors.New("zmq: incompatible socket type")
)
