package zmq

import (
	"crypto/tls"
	"fmt"
	"log/slog"
	"net"
	"time"

	"github.com/purezmq/zmq/internal/transport"
	"github.com/purezmq/zmq/internal/zmtp"
)

// options are a socket's settings; the defaults are libzmq 4.3's.
type options struct {
	socketType               Type // what the options are for; declare checks it
	sendHWM, recvHWM         int
	linger                   time.Duration
	routingID                []byte
	routerMandatory          bool
	reconnectMin             time.Duration
	reconnectMax             time.Duration
	maxMsgSize               int64
	heartbeatIvl             time.Duration
	heartbeatTimeout         time.Duration
	heartbeatTTL             time.Duration
	handshakeTimeout         time.Duration
	sendTimeout              time.Duration
	recvTimeout              time.Duration
	security                 security
	zapDomain                string
	log                      *slog.Logger
	reqRelaxed, reqCorrelate bool
	immediate                bool
	minZMTP                  int // options_zmtp.go
	tuning                   transport.Tuning
	metadata                 zmtp.Metadata
	helloMsg                 []byte
	disconnectMsg            []byte
	hiccupMsg                []byte
	reconnectStop            ReconnectStop
	zapEnforce               bool
	socksProxy               string
	socksUser, socksPassword string
	tls                      *tls.Config    // wss (websocket.go)
	patterns                 patternOptions // options_patterns.go
}

func defaultOptions() options {
	return options{
		sendHWM:          1000,
		recvHWM:          1000,
		linger:           lingerUntilStalled,
		reconnectMin:     100 * time.Millisecond,
		maxMsgSize:       -1,
		handshakeTimeout: 30 * time.Second,
		sendTimeout:      -1,
		recvTimeout:      -1,
		minZMTP:          defaultMinZMTP,
	}
}

// WithSendHWM bounds the messages queued for each peer (ZMQ_SNDHWM); 0 is
// no bound. What happens at the bound depends on the socket type: most
// block, PUB and ROUTER drop.
func WithSendHWM(n int) Option {
	return declare("WithSendHWM", "ZMQ_SNDHWM", anyType, func(o *options) error {
		if n < 0 {
			return fmt.Errorf("%w: send HWM %d", ErrInvalid, n)
		}
		o.sendHWM = n
		return nil
	})
}

// WithRecvHWM bounds the messages queued from each peer (ZMQ_RCVHWM); 0 is
// no bound.
func WithRecvHWM(n int) Option {
	return declare("WithRecvHWM", "ZMQ_RCVHWM", anyType, func(o *options) error {
		if n < 0 {
			return fmt.Errorf("%w: receive HWM %d", ErrInvalid, n)
		}
		o.recvHWM = n
		return nil
	})
}

// WithLinger sets how Close treats queued messages the libzmq way
// (ZMQ_LINGER): a positive duration bounds the whole wait, peers not
// connected yet included; 0 drops them at once; a negative duration waits
// for as long as it takes, libzmq's default, which in a Go program makes
// Close itself wait for ever for a peer that never comes. Without
// WithLinger, Close delivers to connected peers for as long as they take
// messages, and waits for nothing else (see Close).
func WithLinger(d time.Duration) Option {
	return declare("WithLinger", "ZMQ_LINGER", anyType, func(o *options) error {
		o.linger = max(d, -1)
		return nil
	})
}

// WithRoutingID names this socket to its peers (ZMQ_ROUTING_ID): a ROUTER
// peer routes to it by this id. 1 to 255 bytes, not starting with a zero
// byte (libzmq reserves those).
func WithRoutingID(id []byte) Option {
	return declare("WithRoutingID", "ZMQ_ROUTING_ID", anyType, func(o *options) error {
		if len(id) == 0 || len(id) > 255 || id[0] == 0 {
			return fmt.Errorf("%w: routing id must be 1..255 bytes not starting with 0", ErrInvalid)
		}
		o.routingID = append([]byte(nil), id...)
		return nil
	})
}

// WithRouterMandatory makes a ROUTER fail with ErrHostUnreachable when a
// message is addressed to an unknown peer, and wait like any blocking Send
// when the peer's queue is full (ErrAgain once a send timeout runs out),
// instead of dropping the message (ZMQ_ROUTER_MANDATORY).
func WithRouterMandatory(on bool) Option {
	return declare("WithRouterMandatory", "ZMQ_ROUTER_MANDATORY", typesOf(ROUTER), func(o *options) error { o.routerMandatory = on; return nil })
}

// WithReconnectInterval sets how long a connecting socket waits before
// retrying (ZMQ_RECONNECT_IVL, default 100ms), doubling after each failure up
// to max (ZMQ_RECONNECT_IVL_MAX; 0, the default, keeps min). A negative min
// turns reconnection off, as libzmq's -1: a connection that fails or ends is
// not tried again, and what was queued for it is dropped.
func WithReconnectInterval(min, max time.Duration) Option {
	return declare("WithReconnectInterval", "ZMQ_RECONNECT_IVL, ZMQ_RECONNECT_IVL_MAX", anyType, func(o *options) error {
		if min == 0 || max < 0 {
			return fmt.Errorf("%w: reconnect interval %v..%v", ErrInvalid, min, max)
		}
		o.reconnectMin, o.reconnectMax = min, max
		return nil
	})
}

// WithMaxMsgSize drops peers that send a frame bigger than n bytes
// (ZMQ_MAXMSGSIZE, which bounds each frame, a libzmq message); negative,
// the default, is no limit. The check is made on the size a frame
// declares, before anything is allocated for it.
func WithMaxMsgSize(n int64) Option {
	return declare("WithMaxMsgSize", "ZMQ_MAXMSGSIZE", anyType, func(o *options) error { o.maxMsgSize = n; return nil })
}

// WithHeartbeat sends a PING every interval (ZMQ_HEARTBEAT_IVL), drops a
// peer that sends nothing for timeout (ZMQ_HEARTBEAT_TIMEOUT; 0 means the
// interval), and asks the peer to drop us after ttl of silence
// (ZMQ_HEARTBEAT_TTL; 0 is none). A connecting socket redials a dropped peer.
func WithHeartbeat(interval, timeout, ttl time.Duration) Option {
	return declare("WithHeartbeat", "ZMQ_HEARTBEAT_IVL, ZMQ_HEARTBEAT_TIMEOUT, ZMQ_HEARTBEAT_TTL", anyType, func(o *options) error {
		if interval < 0 || timeout < 0 || ttl < 0 || ttl > 6553500*time.Millisecond {
			return fmt.Errorf("%w: heartbeat %v/%v/%v", ErrInvalid, interval, timeout, ttl)
		}
		o.heartbeatIvl, o.heartbeatTimeout, o.heartbeatTTL = interval, timeout, ttl
		return nil
	})
}

// WithHandshakeTimeout drops a peer that has not finished the ZMTP handshake
// in d (ZMQ_HANDSHAKE_IVL, default 30s); 0 waits forever.
func WithHandshakeTimeout(d time.Duration) Option {
	return declare("WithHandshakeTimeout", "ZMQ_HANDSHAKE_IVL", anyType, func(o *options) error { o.handshakeTimeout = d; return nil })
}

// WithSendTimeout makes Send give up with ErrAgain after d (ZMQ_SNDTIMEO):
// 0 returns at once when it would block, negative (the default) waits.
func WithSendTimeout(d time.Duration) Option {
	return declare("WithSendTimeout", "ZMQ_SNDTIMEO", anyType, func(o *options) error { o.sendTimeout = d; return nil })
}

// WithRecvTimeout makes Recv give up with ErrAgain after d (ZMQ_RCVTIMEO):
// 0 returns at once when no message is queued, negative (the default) waits.
func WithRecvTimeout(d time.Duration) Option {
	return declare("WithRecvTimeout", "ZMQ_RCVTIMEO", anyType, func(o *options) error { o.recvTimeout = d; return nil })
}

// WithLogger logs why connections were dropped. The default logs nothing.
func WithLogger(l *slog.Logger) Option {
	return declare("WithLogger", "", anyType, func(o *options) error { o.log = l; return nil })
}

// WithZAPDomain sets the domain passed to the ZAP handler (ZMQ_ZAP_DOMAIN).
func WithZAPDomain(domain string) Option {
	return declare("WithZAPDomain", "ZMQ_ZAP_DOMAIN", anyType, func(o *options) error { o.zapDomain = domain; return nil })
}

func (o options) logger() *slog.Logger {
	if o.log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return o.log
}

// WithImmediate makes a connecting socket queue messages only to
// connections that are complete (ZMQ_IMMEDIATE): a round-robin socket (PUSH,
// DEALER, REQ) then skips endpoints that are not up instead of filling their
// queues, and what was queued for a connection that drops goes with it. It
// applies to the endpoints connected after it is set.
func WithImmediate(on bool) Option {
	return declare("WithImmediate", "ZMQ_IMMEDIATE", anyType, func(o *options) error { o.immediate = on; return nil })
}

// WithTCPKeepAlive configures TCP keepalive on the socket's tcp connections
// (ZMQ_TCP_KEEPALIVE, ZMQ_TCP_KEEPALIVE_IDLE, _INTVL and _CNT, in Go's
// form). Without it Go's default applies: keepalive on, every 15 s.
func WithTCPKeepAlive(cfg net.KeepAliveConfig) Option {
	return declare("WithTCPKeepAlive", "ZMQ_TCP_KEEPALIVE, ZMQ_TCP_KEEPALIVE_IDLE, ZMQ_TCP_KEEPALIVE_INTVL, ZMQ_TCP_KEEPALIVE_CNT", anyType, func(o *options) error {
		o.tuning.KeepAlive = &cfg
		return nil
	})
}

// WithSocketBuffers sets the kernel's send and receive buffer sizes for the
// socket's connections, in bytes (ZMQ_SNDBUF, ZMQ_RCVBUF); 0 keeps the
// kernel's own.
func WithSocketBuffers(send, recv int) Option {
	return declare("WithSocketBuffers", "ZMQ_SNDBUF, ZMQ_RCVBUF", anyType, func(o *options) error {
		if send < 0 || recv < 0 {
			return fmt.Errorf("%w: socket buffers %d/%d", ErrInvalid, send, recv)
		}
		o.tuning.SendBuffer, o.tuning.RecvBuffer = send, recv
		return nil
	})
}

// WithConnectTimeout bounds each connection attempt of a connecting socket
// (ZMQ_CONNECT_TIMEOUT); 0, the default, leaves it to the kernel.
func WithConnectTimeout(d time.Duration) Option {
	return declare("WithConnectTimeout", "ZMQ_CONNECT_TIMEOUT", anyType, func(o *options) error {
		if d < 0 {
			return fmt.Errorf("%w: connect timeout %v", ErrInvalid, d)
		}
		o.tuning.ConnectTimeout = d
		return nil
	})
}
