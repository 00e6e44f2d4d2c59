package zmq_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/purezmq/zmq"
)

// allTypes are the socket types a type-specific option is tried on.
var allTypes = []zmq.Type{zmq.PAIR, zmq.PUB, zmq.SUB, zmq.REQ, zmq.REP, zmq.DEALER, zmq.ROUTER, zmq.PULL, zmq.PUSH, zmq.XPUB, zmq.XSUB, zmq.STREAM,
	zmq.SERVER, zmq.CLIENT, zmq.RADIO, zmq.DISH, zmq.GATHER, zmq.SCATTER, zmq.DGRAM, zmq.PEER, zmq.CHANNEL}

// typeSpecificOptions are the options only some socket types take, and
// which: libzmq's own (each type's xsetsockopt), and ZMQ_CONFLATE and
// ZMQ_INVERT_MATCHING, which libzmq takes on any type but which do nothing
// on the others.
var typeSpecificOptions = []struct {
	name, libzmq string
	opt          zmq.Option
	types        []zmq.Type
}{
	{"WithRouterMandatory", "ZMQ_ROUTER_MANDATORY", zmq.WithRouterMandatory(true), []zmq.Type{zmq.ROUTER}},
	{"WithRouterHandover", "ZMQ_ROUTER_HANDOVER", zmq.WithRouterHandover(true), []zmq.Type{zmq.ROUTER}},
	{"WithProbeRouter", "ZMQ_PROBE_ROUTER", zmq.WithProbeRouter(true), []zmq.Type{zmq.ROUTER, zmq.DEALER}},
	{"WithConnectRoutingID", "ZMQ_CONNECT_ROUTING_ID", zmq.WithConnectRoutingID([]byte("x")), []zmq.Type{zmq.ROUTER, zmq.STREAM}},
	{"WithReqRelaxed", "ZMQ_REQ_RELAXED", zmq.WithReqRelaxed(true), []zmq.Type{zmq.REQ}},
	{"WithReqCorrelate", "ZMQ_REQ_CORRELATE", zmq.WithReqCorrelate(true), []zmq.Type{zmq.REQ}},
	{"WithXPubVerbose", "ZMQ_XPUB_VERBOSE", zmq.WithXPubVerbose(true), []zmq.Type{zmq.XPUB}},
	{"WithXPubVerboser", "ZMQ_XPUB_VERBOSER", zmq.WithXPubVerboser(true), []zmq.Type{zmq.XPUB}},
	{"WithXPubManual", "ZMQ_XPUB_MANUAL", zmq.WithXPubManual(true), []zmq.Type{zmq.XPUB}},
	{"WithXPubNoDrop", "ZMQ_XPUB_NODROP", zmq.WithXPubNoDrop(true), []zmq.Type{zmq.PUB, zmq.XPUB, zmq.RADIO}},
	{"WithXPubWelcomeMsg", "ZMQ_XPUB_WELCOME_MSG", zmq.WithXPubWelcomeMsg([]byte("hi")), []zmq.Type{zmq.PUB, zmq.XPUB}},
	{"WithInvertMatching", "ZMQ_INVERT_MATCHING", zmq.WithInvertMatching(true), []zmq.Type{zmq.PUB, zmq.XPUB, zmq.SUB}},
	{"WithConflate", "ZMQ_CONFLATE", zmq.WithConflate(true), []zmq.Type{zmq.PAIR, zmq.SUB, zmq.DEALER, zmq.PULL}},
	{"WithStreamNotify", "ZMQ_STREAM_NOTIFY", zmq.WithStreamNotify(false), []zmq.Type{zmq.STREAM}},
	{"WithRouterNotify", "ZMQ_ROUTER_NOTIFY", zmq.WithRouterNotify(zmq.NotifyConnect), []zmq.Type{zmq.ROUTER}},
	{"WithHelloMsg", "ZMQ_HELLO_MSG", zmq.WithHelloMsg([]byte("hi")), []zmq.Type{zmq.DEALER, zmq.ROUTER, zmq.CLIENT, zmq.SERVER, zmq.PEER}},
	{"WithDisconnectMsg", "ZMQ_DISCONNECT_MSG", zmq.WithDisconnectMsg([]byte("bye")), []zmq.Type{zmq.ROUTER, zmq.SERVER, zmq.PEER}},
	{"WithHiccupMsg", "ZMQ_HICCUP_MSG", zmq.WithHiccupMsg([]byte("oops")), []zmq.Type{zmq.DEALER, zmq.CLIENT, zmq.PEER}},
	{"WithOnlyFirstSubscribe", "ZMQ_ONLY_FIRST_SUBSCRIBE", zmq.WithOnlyFirstSubscribe(true), []zmq.Type{zmq.XPUB, zmq.XSUB}},
	{"WithXPubManualLastValue", "ZMQ_XPUB_MANUAL_LAST_VALUE", zmq.WithXPubManualLastValue(true), []zmq.Type{zmq.XPUB}},
}

// An option the socket type does not have is refused, by NewSocket and by
// SetOptions, with ErrInvalid naming the option and the type, as libzmq's
// zmq_setsockopt answers EINVAL; the types that have it take it.
func TestOptionOfAnotherTypeRefused(t *testing.T) {
	for _, o := range typeSpecificOptions {
		for _, typ := range allTypes {
			applies := slices.Contains(o.types, typ)
			s, err := zmq.NewSocket(typ, zmq.WithLinger(0), o.opt)
			if s != nil {
				s.Close()
			}
			checkApplies(t, "NewSocket", o.name, o.libzmq, typ, applies, err)

			s = newSocket(t, typ)
			checkApplies(t, "SetOptions", o.name, o.libzmq, typ, applies, s.SetOptions(o.opt))
		}
	}
}

func checkApplies(t *testing.T, call, name, libzmq string, typ zmq.Type, applies bool, err error) {
	t.Helper()
	switch {
	case applies && err != nil:
		t.Errorf("%s(%v, %s): %v, want it taken", call, typ, name, err)
	case !applies && !errors.Is(err, zmq.ErrInvalid):
		t.Errorf("%s(%v, %s) = %v, want ErrInvalid", call, typ, name, err)
	case !applies && !(strings.Contains(err.Error(), name) && strings.Contains(err.Error(), libzmq) &&
		strings.Contains(err.Error(), " "+typ.String()+" socket")):
		t.Errorf("%s(%v, %s): %q does not name the option, its libzmq name and the type", call, typ, name, err)
	}
}
