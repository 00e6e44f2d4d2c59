package zmq

import (
	"errors"

	"github.com/purezmq/zmq/internal/transport"
	"github.com/purezmq/zmq/internal/zmtp"
)

// Errors returned by sockets, to be checked with errors.Is. Each names the
// libzmq errno it stands for.
var (
	// ErrAgain: the operation would block, or its timeout ran out (EAGAIN).
	ErrAgain = errors.New("zmq: resource temporarily unavailable")
	// ErrState: the socket's pattern forbids the operation now, e.g. a REQ
	// sending twice without receiving (EFSM).
	ErrState = errors.New("zmq: operation cannot be accomplished in current state")
	// ErrHostUnreachable: a ROUTER with WithRouterMandatory was asked to
	// route to a peer it does not know (EHOSTUNREACH).
	ErrHostUnreachable = errors.New("zmq: host unreachable")
	// ErrClosed: the socket, or its context, was closed (ETERM/ENOTSOCK).
	ErrClosed = errors.New("zmq: socket closed")
	// ErrNotSupported: the socket type cannot do this, e.g. Recv on a PUSH
	// (ENOTSUP).
	ErrNotSupported = errors.New("zmq: operation not supported by socket type")
	// ErrInvalid: an argument is out of range (EINVAL).
	ErrInvalid = errors.New("zmq: invalid argument")
	// ErrAddrInUse: the endpoint is already bound (EADDRINUSE).
	ErrAddrInUse = errors.New("zmq: address already in use")
	// ErrMsgTooLarge: a message exceeds WithMaxMsgSize (EMSGSIZE).
	ErrMsgTooLarge = zmtp.ErrTooLarge
	// ErrProtocol: a peer broke ZMTP (EPROTO).
	ErrProtocol = zmtp.ErrProtocol
	// ErrAuth: a peer's credentials were refused.
	ErrAuth = zmtp.ErrAuth
	// ErrEndpoint: an endpoint is malformed (EINVAL).
	ErrEndpoint = transport.ErrEndpoint
)

// errWouldBlock is what a socket type returns when it cannot act right now;
// Send and Recv then wait and try again.
var errWouldBlock = errors.New("would block")
