package zmq

import (
	"fmt"

	"github.com/purezmq/zmq/internal/pipe"
	"github.com/purezmq/zmq/internal/route"
)

// publisher is PUB and XPUB (RFC 29): every message goes to each peer with a
// subscription that is a prefix of its first frame, never blocking: a peer
// whose queue is full misses it (unless WithXPubNoDrop).
//
// Subscriptions arrive on each pipe's In queue, as SUBSCRIBE and CANCEL
// commands turned into "\x01topic" and "\x00topic" messages by the engine,
// as the same messages from ZMTP 3.0 peers, or as pipe.Subscribe and
// pipe.Cancel messages from inproc peers. They are applied at the start of
// each send (and, for XPUB, each receive), so a message sent after a
// subscription arrived reaches the subscriber.
//
// One prefix tree maps every subscription to the pipes that hold it, as
// libzmq's mtrie does: a message costs one walk of its topic whatever the
// number of subscribers, then one step per match. With 10 subscribers of 5
// topics each this is about 5 times faster than a tree per subscriber (see
// the benchmarks in internal/route), and a message nobody wants costs no
// allocation.
type publisher struct {
	sock *Socket
	xpub bool

	subs   route.MTrie[*subscriber]
	all    []*subscriber
	byPipe map[*pipe.Pipe]*subscriber

	// subWake is what a PUB's In queues signal when a subscription
	// arrives, so a send looks at them only when there is something to
	// read. An XPUB's In queues keep the socket's readable wake-up, which
	// its Recv waits on, and are all read at each operation.
	subWake pipe.Wake
	// dirty is set when a pipe was left with messages unread.
	dirty bool

	epoch   uint64
	matched []*subscriber
	scratch []pipe.Msg
	fan     fanOut

	// XPUB only: what the application receives, and for WithXPubManual
	// the subscriptions peers asked for and the peer that last sent one.
	pending  []notice
	manual   route.MTrie[*subscriber]
	lastPipe *subscriber
	// sendLast: WithXPubManualLastValue's next send goes to lastPipe only.
	sendLast *subscriber
}

// subscriber is one pipe of a publisher.
type subscriber struct {
	p *pipe.Pipe
	// mark is the epoch of the last send that matched it: a pipe matched
	// by several prefixes gets the message once.
	mark uint64
}

func subscriberPipe(sb *subscriber) *pipe.Pipe { return sb.p }

// notice is a message for an XPUB's application.
type notice struct {
	msg  pipe.Msg
	from *subscriber // the pipe a subscription came from (manual mode)
}

// processBatch bounds how many messages one pipe gets to have read in one
// go, so a peer flooding subscriptions cannot hold a send up.
const processBatch = 256

func newPublisher(s *Socket, xpub bool) *publisher {
	return isolate(publisher{sock: s, xpub: xpub, byPipe: map[*pipe.Pipe]*subscriber{}, subWake: pipe.NewWake()})
}

func (c *publisher) attach(p *pipe.Pipe) bool {
	sb := &subscriber{p: p}
	c.all = append(c.all, sb)
	c.byPipe[p] = sb
	if !c.xpub {
		p.In.SetReaderWake(c.subWake)
	}
	o := c.sock.patternOptions()
	c.welcome(sb, o)
	c.process(sb, o)
	return true
}

func (c *publisher) welcome(sb *subscriber, o patternView) {
	if o.xpubWelcome != nil {
		sb.p.Out.Push(&pipe.Msg{Frames: [][]byte{append([]byte(nil), o.xpubWelcome...)}})
	}
}

// reconnected: a new peer is behind a connecting pipe. The old peer's
// subscriptions go (an XPUB reports them as if it had left); the new one
// sends its own.
func (c *publisher) reconnected(p *pipe.Pipe) {
	sb := c.byPipe[p]
	if sb == nil {
		return
	}
	o := c.sock.patternOptions()
	c.process(sb, o)
	c.forget(sb, o)
	c.welcome(sb, o)
}

func (c *publisher) detach(p *pipe.Pipe) {
	sb := c.byPipe[p]
	if sb == nil {
		return
	}
	o := c.sock.patternOptions()
	if c.xpub {
		c.process(sb, o) // what it sent before it left still counts
	}
	delete(c.byPipe, p)
	for i, x := range c.all {
		if x == sb {
			c.all = append(c.all[:i], c.all[i+1:]...)
			c.all[len(c.all):cap(c.all)][0] = nil
			break
		}
	}
	c.forget(sb, o)
	if c.lastPipe == sb {
		c.lastPipe = nil
	}
	if c.sendLast == sb {
		c.sendLast = nil
	}
}

// forget drops every subscription of sb. An XPUB tells the application of
// each topic left with no subscriber (of each topic sb had, with
// WithXPubVerboser; of each sb asked for, in manual mode), as libzmq does.
func (c *publisher) forget(sb *subscriber, o patternView) {
	if c.xpub && o.xpubManual {
		c.manual.RemoveValue(sb, func(topic []byte, _ bool) {
			c.notify(false, topic, pipe.Msg{}, nil)
		})
		c.subs.RemoveValue(sb, nil)
		return
	}
	c.subs.RemoveValue(sb, func(topic []byte, last bool) {
		if c.xpub && (last || o.xpubVerboseUnsub) {
			c.notify(false, topic, pipe.Msg{}, nil)
		}
	})
}

// refresh applies the subscriptions waiting on the pipes.
func (c *publisher) refresh(o patternView) {
	if !c.xpub {
		select {
		case <-c.subWake:
		default:
			if !c.dirty {
				return
			}
		}
	}
	c.dirty = false
	for _, sb := range c.all {
		c.process(sb, o)
	}
}

// process reads what sb's peer sent, until its queue is empty (which arms
// it to signal the next message) or processBatch messages were read.
func (c *publisher) process(sb *subscriber, o patternView) {
	for n := 0; ; {
		if n >= processBatch {
			c.dirty = true
			return
		}
		batch, _ := sb.p.In.PopBatch(c.scratch[:0], processBatch)
		if len(batch) == 0 {
			return
		}
		n += len(batch)
		for _, m := range batch {
			c.incoming(sb, m, o)
		}
		clear(batch)
		c.scratch = batch[:0]
	}
}

// incoming handles one message from a peer: subscriptions update the tree,
// anything else is passed to an XPUB's application (an XSUB can send
// messages upstream) and dropped by a PUB. As in libzmq each frame of a
// message is looked at on its own.
func (c *publisher) incoming(sb *subscriber, m pipe.Msg, o patternView) {
	switch m.Kind {
	case pipe.Subscribe, pipe.Cancel:
		var topic []byte
		if len(m.Frames) > 0 {
			topic = m.Frames[0]
		}
		c.subscription(sb, m.Kind == pipe.Subscribe, topic, m, o)
		return
	}
	if o.onlyFirstSubscribe && len(m.Frames) > 0 && isSubscription(m.Frames[0]) {
		// The first frame is the subscription; the rest are data.
		f := m.Frames[0]
		c.subscription(sb, f[0] == 1, f[1:], m, o)
		if c.xpub && len(m.Frames) > 1 {
			c.pending = append(c.pending, notice{msg: pipe.Msg{Frames: m.Frames[1:], Meta: m.Meta}})
		}
		return
	}
	plain := true
	for _, f := range m.Frames {
		if isSubscription(f) && !o.onlyFirstSubscribe {
			plain = false
			break
		}
	}
	if plain {
		if c.xpub {
			c.pending = append(c.pending, notice{msg: m})
		}
		return
	}
	var rest [][]byte
	for _, f := range m.Frames {
		if isSubscription(f) {
			c.subscription(sb, f[0] == 1, f[1:], m, o)
		} else if c.xpub {
			rest = append(rest, f)
		}
	}
	if len(rest) > 0 {
		c.pending = append(c.pending, notice{msg: pipe.Msg{Frames: rest, Meta: m.Meta}})
	}
}

// isSubscription tells a subscription message's frame: 1 (subscribe) or 0
// (cancel), then the topic.
func isSubscription(f []byte) bool { return len(f) > 0 && f[0] <= 1 }

func (c *publisher) subscription(sb *subscriber, subscribe bool, topic []byte, m pipe.Msg, o patternView) {
	if c.xpub && o.xpubManual {
		if subscribe {
			c.manual.Add(topic, sb)
		} else {
			c.manual.Remove(topic, sb)
		}
		c.notify(subscribe, topic, m, sb)
		return
	}
	var tell bool
	if subscribe {
		tell = c.subs.Add(topic, sb) || o.xpubVerboseSubs
	} else {
		// libzmq tells of a cancel for a topic the pipe did not have,
		// too: only one that leaves others subscribed is kept quiet.
		tell = c.subs.Remove(topic, sb) != route.ValuesRemain || o.xpubVerboseUnsub
	}
	if c.xpub && tell {
		c.notify(subscribe, topic, m, sb)
	}
}

// notify queues "\x01topic" or "\x00topic" for an XPUB's application.
func (c *publisher) notify(subscribe bool, topic []byte, m pipe.Msg, from *subscriber) {
	if !c.xpub {
		return
	}
	f := make([]byte, 1+len(topic))
	if subscribe {
		f[0] = 1
	}
	copy(f[1:], topic)
	c.pending = append(c.pending, notice{msg: pipe.Msg{Frames: [][]byte{f}, Meta: m.Meta}, from: from})
}

func (c *publisher) send(m *pipe.Msg) error {
	o := c.sock.patternOptions()
	c.refresh(o)
	c.epoch++
	matched := c.matched[:0]
	only := c.sendLast
	c.sendLast = nil
	c.subs.Match(m.Frames[0], func(sb *subscriber) {
		if sb.mark != c.epoch && (only == nil || sb == only) {
			sb.mark = c.epoch
			matched = append(matched, sb)
		}
	})
	if o.invertMatching {
		matched = matched[:0]
		for _, sb := range c.all {
			if sb.mark != c.epoch {
				matched = append(matched, sb)
			}
		}
	}
	if o.xpubNoDrop {
		for _, sb := range matched {
			if !sb.p.Out.Writable() {
				c.release(matched)
				return errWouldBlock
			}
		}
	}
	// A full queue drops the message: PUB never blocks.
	c.sock.outran(pushAll(&c.fan, m, matched, subscriberPipe))
	c.release(matched)
	return nil
}

// release keeps the matched slice for the next send, holding no pipe.
func (c *publisher) release(matched []*subscriber) {
	clear(matched)
	c.matched = matched[:0]
}

func (c *publisher) recv(m *pipe.Msg) error {
	if !c.xpub {
		return fmt.Errorf("%w: PUB only sends", ErrNotSupported)
	}
	return c.xrecv(m)
}

// writable: a publisher never blocks, as libzmq's says for polling even
// with WithXPubNoDrop.
func (c *publisher) writable() bool { return true }
