// Package zmq is ZeroMQ in pure Go: the messaging patterns of libzmq over
// ZMTP 3.1, with no cgo. It talks to libzmq 4.x and what is built on it
// (pyzmq, ...) and to other ZMTP 3.x implementations; and, as libzmq 4.3
// does, it falls back to ZMTP 2.0 for peers that speak nothing newer, such
// as JeroMQ 0.3 and libzmq 3.x. Its tests run it against libzmq 4.3 and
// JeroMQ 0.3.6.
//
// # Sockets and patterns
//
// A Socket has a Type, which fixes how it routes messages and which peer
// types it can talk to:
//
//   - Request-reply (RFC 28): a REQ sends a request and waits for the reply
//     before the next one; a REP answers requests in turn. DEALER and ROUTER
//     are their asynchronous forms: a DEALER load-balances to and fair-queues
//     from its peers, a ROUTER prefixes each message with the sender's routing
//     id and routes replies by it. A ROUTER frontend and a DEALER backend
//     joined by Proxy make a broker between many clients and many workers.
//   - Publish-subscribe (RFC 29): a PUB sends to every SUB whose
//     subscriptions (byte prefixes, see Socket.Subscribe) match a message's
//     first frame; filtering happens at the publisher. PUB never blocks: a
//     subscriber that cannot keep up loses messages, and a Send that drops
//     one yields the processor once (runtime.Gosched), so that the
//     goroutines draining the queues, this process's connections and
//     subscribers, get to run. XPUB and XSUB pass the
//     subscriptions themselves to the application, for forwarders.
//   - Pipeline (RFC 30): a PUSH hands each message to one PULL in turn, and
//     waits when all are full: a ventilator feeding workers feeding a sink.
//   - Exclusive pair (RFC 31): two PAIR sockets, typically between goroutines
//     over inproc.
//   - STREAM talks to plain TCP peers that do not speak ZMTP.
//   - libzmq's draft types, single-part, with what routes a message beside
//     it in Msg: SERVER and CLIENT (RFC 41; a SERVER labels each message
//     with the sender's RoutingID and replies by it), RADIO and DISH (group
//     messaging: a DISH Joins groups, a RADIO sends each message in its
//     Group, also over udp), SCATTER and GATHER (the single-part PUSH and
//     PULL), PEER (a SERVER that also connects: ConnectPeer gives the new
//     peer's id), CHANNEL (the single-part PAIR) and DGRAM (raw udp, each
//     message [address, body]). See docs/DRAFT.md.
//
// # Endpoints
//
// Bind and Connect take "tcp://host:port" ("*" for the host binds every IPv4
// interface, "*" for the port picks a free one: LastEndpoint tells which),
// "ipc:///path" or "ipc://@name" (Linux abstract), and "inproc://name", which
// joins two sockets of one Context directly: messages are handed over by
// reference, with no copy. Either side may bind; connecting first is fine,
// the socket retries in the background and queues what is sent meanwhile.
// "udp://host:port" is for RADIO (connect), DISH and DGRAM (bind): one
// datagram per message, unicast only.
//
// # Messages, blocking and errors
//
// A Msg is a list of frames that arrive all together or not at all. Send and
// Recv block as the socket type says; a context bounds them, as do
// WithSendTimeout and WithRecvTimeout (ErrAgain). Errors are sentinels for
// errors.Is: ErrAgain, ErrState (e.g. a REQ sending twice), ErrHostUnreachable,
// ErrClosed, ErrMsgTooLarge, ErrProtocol, ErrEndpoint, ErrNotSupported,
// ErrInvalid (an argument out of range, or an option the socket type does not
// have), ErrAddrInUse (Bind to an endpoint already bound) and ErrAuth (a
// peer's credentials refused).
//
// A Socket, as in libzmq, is meant to be used by one goroutine at a time; its
// methods are nonetheless safe to call concurrently, and Close, from any
// goroutine, unblocks pending calls.
//
// # Security
//
// WithPlainServer/WithPlainClient and WithCurveServer/WithCurveClient select
// the PLAIN and CURVE mechanisms; an Authenticator (ZAP, RFC 27) decides who
// may connect.
//
// # Older peers
//
// Each connection's ZMTP version is settled by the greetings, which are sent
// in steps, as libzmq sends them, so that an older peer can read them.
// ZMTP 2.0 (RFC 15) peers are taken by default and ZMTP 1.0 (RFC 13,
// libzmq 2.x) peers only with WithMinZMTPVersion(1), which says why;
// WithMinZMTPVersion(3) refuses both. Such peers talk NULL only: a socket
// with PLAIN, CURVE or a ZAP domain refuses them, as libzmq does, since
// they have no security handshake. They exchange no heartbeats; their
// messages carry the Peer-Address property, and Socket-Type and Identity
// when the peer's greeting told them.
package zmq
