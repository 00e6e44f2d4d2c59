package zmq

import "github.com/purezmq/zmq/internal/pipe"

// xsub is XSUB (RFC 29): a message whose first frame starts with 1 or 0 is
// a subscription or a cancel, remembered and sent to every publisher (and
// to publishers that connect later); any other message goes upstream to
// every publisher, dropped for those whose queue is full. It receives
// everything its publishers send, unfiltered.
type xsub struct {
	subscriberCore
	fan fanOut
}

func (x *xsub) send(m *pipe.Msg) error {
	if x.sock.patternOptions().onlyFirstSubscribe && isSubscription(m.Frames[0]) && len(m.Frames) > 1 {
		// The first frame is the subscription, the rest data: the whole
		// message goes upstream as it is, where a publisher takes its
		// first frame for the subscription (libzmq's do too), and the
		// subscription is kept to be sent again to new publishers.
		if f := m.Frames[0]; f[0] == 1 {
			x.subs.Add(f[1:])
		} else {
			x.subs.Remove(f[1:])
		}
		x.sock.outran(pushAll(&x.fan, m, x.pipes, samePipe))
		return nil
	}
	if !isSubscription(m.Frames[0]) {
		// To every publisher, dropped where a queue is full.
		x.sock.outran(pushAll(&x.fan, m, x.pipes, samePipe))
		return nil
	}
	// As in libzmq each frame is looked at on its own; frames that are
	// not subscriptions are dropped.
	for _, f := range m.Frames {
		if !isSubscription(f) {
			continue
		}
		if f[0] == 1 {
			x.subscribe(f[1:])
		} else {
			x.unsubscribe(f[1:])
		}
	}
	return nil
}

func (x *xsub) recv(m *pipe.Msg) error {
	for {
		if _, ok := x.fq.Recv(m); !ok {
			return errWouldBlock
		}
		if m.Kind == pipe.Data {
			return nil
		}
	}
}

// writable: an XSUB never blocks.
func (x *xsub) writable() bool { return true }

func samePipe(p *pipe.Pipe) *pipe.Pipe { return p }
