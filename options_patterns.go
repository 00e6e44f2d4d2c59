package zmq

import "fmt"

// patternOptions are the settings of particular socket types. The socket
// types read them at each operation that needs them, so SetOptions applies
// at once, as libzmq's setsockopt does.
type patternOptions struct {
	routerHandover   bool
	probeRouter      bool
	connectRoutingID []byte
	xpubVerboseSubs  bool
	xpubVerboseUnsub bool
	xpubManual       bool
	xpubNoDrop       bool
	xpubWelcome      []byte
	invertMatching   bool
	conflate         bool
	// streamSilent is WithStreamNotify(false): the zero value notifies,
	// as libzmq's default does.
	streamSilent bool

	routerNotify        RouterNotify
	onlyFirstSubscribe  bool
	xpubManualLastValue bool
}

// patternView is what a socket type reads of its options.
type patternView struct {
	patternOptions
	routerMandatory          bool
	reqRelaxed, reqCorrelate bool
}

// patternOptions is read on every send and receive of some socket types,
// so it takes no lock: SetOptions publishes a fresh view instead.
func (s *Socket) patternOptions() patternView { return *s.view.Load() }

// publishView makes the current options visible to patternOptions; s.mu is
// held, or the socket is not shared yet.
func (s *Socket) publishView() {
	s.view.Store(&patternView{
		patternOptions:  s.opts.patterns,
		routerMandatory: s.opts.routerMandatory,
		reqRelaxed:      s.opts.reqRelaxed,
		reqCorrelate:    s.opts.reqCorrelate,
	})
}

// takeConnectRoutingID returns the id WithConnectRoutingID set, and forgets
// it: it names one connection.
func (s *Socket) takeConnectRoutingID() []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := s.opts.patterns.connectRoutingID
	s.opts.patterns.connectRoutingID = nil
	s.publishView()
	return id
}

// WithRouterHandover lets a ROUTER peer that connects with the routing id of
// a peer already connected take the id over, the older connection being
// closed (ZMQ_ROUTER_HANDOVER). Without it the newcomer is ignored, as in
// libzmq: it stays connected but what it sends is dropped and nothing is
// routed to it.
func WithRouterHandover(on bool) Option {
	return declare("WithRouterHandover", "ZMQ_ROUTER_HANDOVER", typesOf(ROUTER), func(o *options) error { o.patterns.routerHandover = on; return nil })
}

// WithProbeRouter makes a ROUTER or DEALER send an empty message to each
// new peer, so that a ROUTER on the other side learns its routing id
// (ZMQ_PROBE_ROUTER). It is sent again after a reconnection, to the new
// peer.
func WithProbeRouter(on bool) Option {
	return declare("WithProbeRouter", "ZMQ_PROBE_ROUTER", typesOf(ROUTER, DEALER), func(o *options) error { o.patterns.probeRouter = on; return nil })
}

// WithConnectRoutingID makes a ROUTER route to the peer of its next Connect
// by id instead of the peer's own routing id (ZMQ_CONNECT_ROUTING_ID). It
// applies to one Connect and is then forgotten. The id must not be in use.
func WithConnectRoutingID(id []byte) Option {
	return declare("WithConnectRoutingID", "ZMQ_CONNECT_ROUTING_ID", typesOf(ROUTER, STREAM), func(o *options) error {
		if len(id) == 0 || len(id) > 255 {
			return fmt.Errorf("%w: connect routing id must be 1..255 bytes", ErrInvalid)
		}
		o.patterns.connectRoutingID = append([]byte(nil), id...)
		return nil
	})
}

// WithReqRelaxed lets a REQ send a new request without having received the
// reply to the last one, which is then dropped (ZMQ_REQ_RELAXED).
func WithReqRelaxed(on bool) Option {
	return declare("WithReqRelaxed", "ZMQ_REQ_RELAXED", typesOf(REQ), func(o *options) error { o.reqRelaxed = on; return nil })
}

// WithReqCorrelate makes a REQ put a request id frame in front of each
// request and drop replies that do not carry the id of the last request
// (ZMQ_REQ_CORRELATE). Mostly useful with WithReqRelaxed.
func WithReqCorrelate(on bool) Option {
	return declare("WithReqCorrelate", "ZMQ_REQ_CORRELATE", typesOf(REQ), func(o *options) error { o.reqCorrelate = on; return nil })
}

// WithXPubVerbose makes an XPUB pass every subscription to the application,
// not only the first to each topic (ZMQ_XPUB_VERBOSE). Unsubscriptions are
// still passed only when a topic loses its last subscriber.
func WithXPubVerbose(on bool) Option {
	return declare("WithXPubVerbose", "ZMQ_XPUB_VERBOSE", typesOf(XPUB), func(o *options) error {
		o.patterns.xpubVerboseSubs, o.patterns.xpubVerboseUnsub = on, false
		return nil
	})
}

// WithXPubVerboser makes an XPUB pass every subscription and every
// unsubscription to the application (ZMQ_XPUB_VERBOSER).
func WithXPubVerboser(on bool) Option {
	return declare("WithXPubVerboser", "ZMQ_XPUB_VERBOSER", typesOf(XPUB), func(o *options) error {
		o.patterns.xpubVerboseSubs, o.patterns.xpubVerboseUnsub = on, on
		return nil
	})
}

// WithXPubManual leaves an XPUB's subscriptions to the application
// (ZMQ_XPUB_MANUAL): every subscription message is passed to it, and it
// calls Subscribe and Unsubscribe on the XPUB to subscribe the peer that sent
// the last message received.
func WithXPubManual(on bool) Option {
	return declare("WithXPubManual", "ZMQ_XPUB_MANUAL", typesOf(XPUB), func(o *options) error { o.patterns.xpubManual = on; return nil })
}

// WithXPubNoDrop makes a PUB, XPUB or RADIO wait (or return ErrAgain, see
// WithSendTimeout) when a matching subscriber's queue is full, instead of
// dropping the message for that subscriber (ZMQ_XPUB_NODROP; libzmq's RADIO
// takes it too).
func WithXPubNoDrop(on bool) Option {
	return declare("WithXPubNoDrop", "ZMQ_XPUB_NODROP", typesOf(PUB, XPUB, RADIO), func(o *options) error { o.patterns.xpubNoDrop = on; return nil })
}

// WithXPubWelcomeMsg makes a PUB or XPUB send msg to each new subscriber as
// it connects (ZMQ_XPUB_WELCOME_MSG); nil sends none. Subscribers receive
// it only if they subscribe to it.
func WithXPubWelcomeMsg(msg []byte) Option {
	return declare("WithXPubWelcomeMsg", "ZMQ_XPUB_WELCOME_MSG", typesOf(PUB, XPUB), func(o *options) error {
		o.patterns.xpubWelcome = append([]byte(nil), msg...)
		if len(msg) == 0 {
			o.patterns.xpubWelcome = nil
		}
		return nil
	})
}

// WithInvertMatching inverts the meaning of subscriptions
// (ZMQ_INVERT_MATCHING): a PUB or XPUB sends a message to the peers none of
// whose subscriptions match it, and a SUB takes the messages that match none
// of its own. Publisher and subscribers must agree on it.
func WithInvertMatching(on bool) Option {
	return declare("WithInvertMatching", "ZMQ_INVERT_MATCHING", typesOf(PUB, XPUB, SUB), func(o *options) error { o.patterns.invertMatching = on; return nil })
}

// WithConflate keeps only the newest message received (ZMQ_CONFLATE): a
// receive drains everything queued and returns the last message. It is for
// SUB (read at each receive), and PULL, DEALER and PAIR (read when the
// socket is made: pass it to NewSocket). Sending is unaffected.
func WithConflate(on bool) Option {
	return declare("WithConflate", "ZMQ_CONFLATE", typesOf(PAIR, SUB, DEALER, PULL), func(o *options) error { o.patterns.conflate = on; return nil })
}

// WithStreamNotify sets whether a STREAM socket receives an empty message
// when a peer connects and when it disconnects (ZMQ_STREAM_NOTIFY, on by
// default).
func WithStreamNotify(on bool) Option {
	return declare("WithStreamNotify", "ZMQ_STREAM_NOTIFY", typesOf(STREAM), func(o *options) error { o.patterns.streamSilent = !on; return nil })
}
