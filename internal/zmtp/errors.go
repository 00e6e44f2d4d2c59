package zmtp

import "errors"

// Sentinel errors. The root package re-exports the ones users check for.
var (
	// ErrProtocol marks input that breaks ZMTP: a bad greeting, a malformed
	// frame or command, an unexpected command in a handshake.
	ErrProtocol = errors.New("zmq: protocol error")
	// ErrAuth marks a peer whose credentials were refused.
	ErrAuth = errors.New("zmq: authentication failed")
	// ErrTooLarge marks a frame or message over the configured maximum size.
	ErrTooLarge = errors.New("zmq: message too large")
)
