package zmq

import (
	"fmt"
	"strings"

	"github.com/purezmq/zmq/internal/pipe"
	"github.com/purezmq/zmq/internal/zmtp"
)

// RouterNotify chooses the notices WithRouterNotify asks for.
type RouterNotify int

// What a ROUTER is told of its peers (libzmq's ZMQ_NOTIFY_CONNECT and
// ZMQ_NOTIFY_DISCONNECT).
const (
	NotifyConnect    RouterNotify = 1
	NotifyDisconnect RouterNotify = 2
)

// WithRouterNotify makes a ROUTER receive [routing id, ""] when a peer
// connects (NotifyConnect: once its routing id is known, before anything it
// sends) and when it disconnects (NotifyDisconnect), as ZMQ_ROUTER_NOTIFY
// does; 0 turns the notices off.
func WithRouterNotify(events RouterNotify) Option {
	return declare("WithRouterNotify", "ZMQ_ROUTER_NOTIFY", typesOf(ROUTER), func(o *options) error {
		if events < 0 || events > NotifyConnect|NotifyDisconnect {
			return fmt.Errorf("%w: router notify %d", ErrInvalid, events)
		}
		o.patterns.routerNotify = events
		return nil
	})
}

// WithHelloMsg sends msg to every new peer, first on each connection,
// before anything queued, and again on each reconnection (ZMQ_HELLO_MSG);
// nil sends none.
func WithHelloMsg(msg []byte) Option {
	return declare("WithHelloMsg", "ZMQ_HELLO_MSG", typesOf(DEALER, ROUTER, CLIENT, SERVER, PEER), func(o *options) error {
		o.helloMsg = cloneMsg(msg)
		return nil
	})
}

// WithDisconnectMsg makes a ROUTER, SERVER or PEER receive msg from a peer
// whose connection ends, as if the peer had sent it last (a ROUTER gets
// [routing id, msg], a SERVER or PEER msg with the peer's RoutingID)
// (ZMQ_DISCONNECT_MSG); nil turns it off. With WithHeartbeat it tells a
// server that a client went silent.
func WithDisconnectMsg(msg []byte) Option {
	return declare("WithDisconnectMsg", "ZMQ_DISCONNECT_MSG", typesOf(ROUTER, SERVER, PEER), func(o *options) error {
		o.disconnectMsg = cloneMsg(msg)
		return nil
	})
}

// WithHiccupMsg makes a connecting DEALER, CLIENT or PEER receive msg when
// the connection
// to one of its endpoints ends, before it reconnects (ZMQ_HICCUP_MSG): the
// peer may have lost state, and the application hears of it; nil turns it
// off.
func WithHiccupMsg(msg []byte) Option {
	return declare("WithHiccupMsg", "ZMQ_HICCUP_MSG", typesOf(DEALER, CLIENT, PEER), func(o *options) error {
		o.hiccupMsg = cloneMsg(msg)
		return nil
	})
}

func cloneMsg(msg []byte) []byte {
	if msg == nil {
		return nil
	}
	return append([]byte{}, msg...)
}

// maxMetadataValue bounds one application property's value: the metadata
// go in one READY command, which a peer may cap (libzmq takes up to its
// max message size).
const maxMetadataValue = 64 << 10

// WithMetadata sends application properties to each peer in the handshake
// (ZMQ_METADATA); the peer reads them with Msg.Property on what it receives
// from this socket. Names start with "X-" (in any case), as ZMTP reserves
// the others, and are 1 to 255 bytes of letters, digits and "-_.+"; names
// are compared without regard to case and may not repeat; a value is at
// most 64 KiB. Anything else is ErrInvalid. The map replaces what was set
// before; nil or empty clears it. Read at each handshake.
func WithMetadata(props map[string]string) Option {
	return declare("WithMetadata", "ZMQ_METADATA", anyType, func(o *options) error {
		meta := make(zmtp.Metadata, 0, len(props))
		for name, value := range props {
			if err := checkMetadataName(name); err != nil {
				return err
			}
			if len(value) > maxMetadataValue {
				return fmt.Errorf("%w: metadata %s: value of %d bytes, over 64 KiB", ErrInvalid, name, len(value))
			}
			if _, dup := meta.Get(name); dup {
				return fmt.Errorf("%w: metadata %s given twice (names compare without regard to case)", ErrInvalid, name)
			}
			meta = append(meta, zmtp.Property{Name: name, Value: value})
		}
		o.metadata = meta
		return nil
	})
}

func checkMetadataName(name string) error {
	if len(name) < 3 || len(name) > 255 || !strings.EqualFold(name[:2], "X-") {
		return fmt.Errorf("%w: metadata name %q must start with \"X-\" and be at most 255 bytes", ErrInvalid, name)
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("-_.+", c) >= 0) {
			return fmt.Errorf("%w: metadata name %q: %q is not a letter, digit or one of -_.+", ErrInvalid, name, c)
		}
	}
	return nil
}

// ReconnectStop chooses when WithReconnectStop gives an endpoint up.
type ReconnectStop int

// Conditions for WithReconnectStop (libzmq's ZMQ_RECONNECT_STOP_*).
const (
	// ReconnectStopConnRefused: the connection was refused (ECONNREFUSED):
	// nothing is bound there.
	ReconnectStopConnRefused ReconnectStop = 1
	// ReconnectStopHandshakeFailed: the ZMTP handshake failed: it is not a
	// ZeroMQ peer, or it would not let this socket in.
	ReconnectStopHandshakeFailed ReconnectStop = 2
	// ReconnectStopAfterDisconnect: after Disconnect. Disconnect always
	// stops at once here; the flag is taken for libzmq's sake.
	ReconnectStopAfterDisconnect ReconnectStop = 4
)

// WithReconnectStop makes a connecting socket give an endpoint up instead
// of retrying when one of the conditions happens (ZMQ_RECONNECT_STOP): its
// queue goes, as with Disconnect, an EventClosed names the endpoint and the
// reason, and a log line says why. Read at Connect.
func WithReconnectStop(when ReconnectStop) Option {
	return declare("WithReconnectStop", "ZMQ_RECONNECT_STOP", anyType, func(o *options) error {
		all := ReconnectStopConnRefused | ReconnectStopHandshakeFailed | ReconnectStopAfterDisconnect
		if when&^all != 0 {
			return fmt.Errorf("%w: reconnect stop %#x", ErrInvalid, int(when))
		}
		o.reconnectStop = when
		return nil
	})
}

// WithOnlyFirstSubscribe makes an XPUB or XSUB take only the first frame of
// a message as a subscription or cancel (ZMQ_ONLY_FIRST_SUBSCRIBE): the
// other frames are data, passed to an XPUB's application and sent upstream
// by an XSUB, whatever their first byte. Without it each frame that starts
// with 0 or 1 is one.
func WithOnlyFirstSubscribe(on bool) Option {
	return declare("WithOnlyFirstSubscribe", "ZMQ_ONLY_FIRST_SUBSCRIBE", typesOf(XPUB, XSUB), func(o *options) error {
		o.patterns.onlyFirstSubscribe = on
		return nil
	})
}

// WithXPubManualLastValue is WithXPubManual for a last-value cache
// (ZMQ_XPUB_MANUAL_LAST_VALUE): after the application subscribes the peer
// it last heard from, the next message it sends goes to that peer only, if
// it matches, so a newcomer gets the cached value and the others do not get
// it twice.
func WithXPubManualLastValue(on bool) Option {
	return declare("WithXPubManualLastValue", "ZMQ_XPUB_MANUAL_LAST_VALUE", typesOf(XPUB), func(o *options) error {
		o.patterns.xpubManual, o.patterns.xpubManualLastValue = on, on
		return nil
	})
}

// WithZAPEnforceDomain makes a socket that would ask a ZAP handler about
// its peers (a PLAIN or CURVE server, a NULL socket with a ZAP domain)
// refuse them while no handler is bound, instead of letting them in as
// libzmq does by default (ZMQ_ZAP_ENFORCE_DOMAIN). The refusals are
// counted as Stats().AuthFailures. Read at each handshake.
func WithZAPEnforceDomain(on bool) Option {
	return declare("WithZAPEnforceDomain", "ZMQ_ZAP_ENFORCE_DOMAIN", anyType, func(o *options) error {
		o.zapEnforce = on
		return nil
	})
}

// connectionWatcher is what a socket type implements to hear that a
// connection of one of its connecting pipes ended (the pipe stays, and will
// have a new peer after the reconnection).
type connectionWatcher interface {
	connectionLost(p *pipe.Pipe)
}

// connectionLost does what the options ask when a peer's connection ends:
// the disconnect message and, for a connection this socket made, the hiccup
// message are received as if the peer had sent them, and a socket type that
// watches connections hears of it. An accepted connection's pipe is
// detached next, which tells the socket type.
func (s *Socket) connectionLost(p *pipe.Pipe, dialled bool) {
	o := s.options()
	if o.disconnectMsg != nil {
		p.In.PushForce(&pipe.Msg{Frames: [][]byte{cloneMsg(o.disconnectMsg)}})
	}
	if dialled && o.hiccupMsg != nil {
		p.In.PushForce(&pipe.Msg{Frames: [][]byte{cloneMsg(o.hiccupMsg)}})
	}
	if w, ok := s.pat.(connectionWatcher); ok && dialled {
		s.opMu.Lock()
		w.connectionLost(p)
		s.opMu.Unlock()
	}
	s.wakeAll()
}
