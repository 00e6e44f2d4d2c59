package zmq

import (
	"fmt"

	"github.com/purezmq/zmq/internal/pipe"
	"github.com/purezmq/zmq/internal/route"
)

// subscriberCore is what SUB and XSUB share (RFC 29): the socket's own
// subscriptions, counted as libzmq counts them, sent to every peer as they
// change and all again to each new peer, and the pipes received from in turn.
type subscriberCore struct {
	sock  *Socket
	subs  route.Trie
	pipes []*pipe.Pipe
	fq    route.FairQueue
}

func (c *subscriberCore) attach(p *pipe.Pipe) bool {
	c.pipes = append(c.pipes, p)
	c.fq.Add(p)
	c.sendAll(p)
	return true
}

// reconnected: the new peer behind the pipe has none of our subscriptions
// yet. libzmq sends them all again after a reconnection too.
func (c *subscriberCore) reconnected(p *pipe.Pipe) { c.sendAll(p) }

func (c *subscriberCore) detach(p *pipe.Pipe) {
	for i, x := range c.pipes {
		if x == p {
			c.pipes = append(c.pipes[:i], c.pipes[i+1:]...)
			c.pipes[len(c.pipes):cap(c.pipes)][0] = nil
			break
		}
	}
	// The fair queue drops the pipe once what it still holds is read.
}

// sendAll sends every subscription to p, past its high-water mark:
// subscriptions are never lost.
func (c *subscriberCore) sendAll(p *pipe.Pipe) {
	c.subs.Each(func(topic []byte) {
		p.Out.PushForce(&pipe.Msg{Kind: pipe.Subscribe, Frames: [][]byte{append([]byte(nil), topic...)}})
	})
}

// broadcast sends a subscription or cancel to every peer. The topic is
// shared: peers only read it.
func (c *subscriberCore) broadcast(kind pipe.Kind, topic []byte) {
	for _, p := range c.pipes {
		p.Out.PushForce(&pipe.Msg{Kind: kind, Frames: [][]byte{topic}})
	}
}

// subscribe counts one more subscription to topic and tells every peer,
// every time: publishers filter duplicates, and an XPUB in verbose mode
// wants to see them (libzmq's xsub does the same).
func (c *subscriberCore) subscribe(topic []byte) error {
	c.subs.Add(topic)
	c.broadcast(pipe.Subscribe, topic)
	return nil
}

// unsubscribe drops one subscription to topic; peers are told when the
// last one goes. Unsubscribing from a topic not subscribed does nothing.
func (c *subscriberCore) unsubscribe(topic []byte) error {
	if c.subs.Remove(topic) {
		c.broadcast(pipe.Cancel, topic)
	}
	return nil
}

// sub is SUB: it takes messages matching its subscriptions (publishers
// filter too, but a SUB checks, as libzmq's does), and never sends.
type sub struct {
	subscriberCore
}

func (s *sub) send(*pipe.Msg) error {
	return fmt.Errorf("%w: SUB only receives; use Subscribe", ErrNotSupported)
}

// recv returns the next message whose first frame matches a subscription
// (or, with WithInvertMatching, matches none). With WithConflate it reads
// everything queued and returns the newest match.
func (s *sub) recv(m *pipe.Msg) error {
	o := s.sock.patternOptions()
	var last pipe.Msg
	found := false
	for {
		if _, ok := s.fq.Recv(m); !ok {
			break
		}
		if m.Kind != pipe.Data || len(m.Frames) == 0 {
			continue
		}
		if s.subs.Match(m.Frames[0]) == o.invertMatching {
			continue
		}
		if !o.conflate {
			return nil
		}
		last, found = *m, true
	}
	if !found {
		return errWouldBlock
	}
	*m = last
	return nil
}

// writable: a SUB never sends.
func (s *sub) writable() bool { return false }
