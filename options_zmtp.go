package zmq

import "fmt"

// defaultMinZMTP takes ZMTP 2.0 peers and later; see WithMinZMTPVersion.
const defaultMinZMTP = 2

// WithMinZMTPVersion sets the oldest ZMTP a peer may speak, by major
// version:
//
//   - 1: ZMTP 1.0 (RFC 13: libzmq 2.x) and later, every peer libzmq 4.3
//     talks to;
//   - 2, the default: ZMTP 2.0 (RFC 15: JeroMQ 0.3, libzmq 3.x) and later;
//   - 3: ZMTP 3.0 and 3.1 only (libzmq 4.x, JeroMQ 0.4 and later, NetMQ 4).
//
// Other values are ErrInvalid. It is read at each handshake.
//
// The default differs from libzmq, which takes ZMTP 1.0 peers. A ZMTP 1.0
// peer sends no greeting: any connection whose first byte is not 0xFF is
// one, so the bytes of a port scanner, an HTTP client or anything else that
// reaches the port are read as an identity and messages, and handed to the
// application (libzmq PR #4932 asks for a switch against exactly this). A
// ZMTP 2.0 peer is known by its greeting's signature, revision and
// socket-type byte, which is checked against this socket's type, so a
// stranger's bytes are refused. Pass 1 to talk to libzmq 2.x; pass 3 to
// refuse everything older than ZMTP 3.0.
//
// Old peers talk NULL only, as in libzmq 4.3: a socket with PLAIN or CURVE,
// or with a ZAP domain, takes ZMTP 3.x peers only whatever this says, since
// ZMTP 1.0 and 2.0 have no security handshake that could check them. Their
// connections carry no heartbeats (there is no PING before ZMTP 3.0), and
// their messages no properties but Peer-Address, the Socket-Type of a ZMTP
// 2.0 peer, and the peer's Identity if it sent one. A peer refused is
// counted in Stats().ProtocolErrors and logged.
func WithMinZMTPVersion(major int) Option {
	// libzmq has no such option, only the build switch PR #4932 proposes.
	return declare("WithMinZMTPVersion", "", anyType, func(o *options) error {
		if major < 1 || major > 3 {
			return fmt.Errorf("%w: minimum ZMTP version %d (1, 2 or 3)", ErrInvalid, major)
		}
		o.minZMTP = major
		return nil
	})
}
