package zmq

import (
	"fmt"

	"github.com/purezmq/zmq/internal/pipe"
)

// XPUB is the publisher of pub.go whose application also receives: the
// subscriptions ("\x01topic") and unsubscriptions ("\x00topic") of its
// peers, each topic's first subscription and last unsubscription only unless
// WithXPubVerbose or WithXPubVerboser say otherwise, and the messages an
// XSUB sends upstream.

func (c *publisher) xrecv(m *pipe.Msg) error {
	o := c.sock.patternOptions()
	for {
		c.refresh(o)
		if len(c.pending) > 0 || !c.dirty {
			break
		}
	}
	if len(c.pending) == 0 {
		return errWouldBlock
	}
	n := c.pending[0]
	c.pending[0] = notice{}
	c.pending = c.pending[1:]
	if len(c.pending) == 0 {
		c.pending = c.pending[:0:0]
	}
	if o.xpubManual {
		// Subscribe and Unsubscribe now apply to the peer this came
		// from, if it is still there (libzmq's last pipe).
		c.lastPipe = nil
		if n.from != nil && c.byPipe[n.from.p] == n.from {
			c.lastPipe = n.from
		}
	}
	*m = n.msg
	return nil
}

// subscribe and unsubscribe serve Socket.Subscribe on an XPUB with
// WithXPubManual: they change the subscriptions of the peer whose message
// was received last. With no such peer (it left) they do nothing, as in
// libzmq.
func (c *publisher) subscribe(topic []byte) error {
	if err := c.manualOnly(); err != nil {
		return err
	}
	if c.lastPipe != nil {
		c.subs.Add(topic, c.lastPipe)
		if c.sock.patternOptions().xpubManualLastValue {
			c.sendLast = c.lastPipe
		}
	}
	return nil
}

func (c *publisher) unsubscribe(topic []byte) error {
	if err := c.manualOnly(); err != nil {
		return err
	}
	if c.lastPipe != nil {
		c.subs.Remove(topic, c.lastPipe)
	}
	return nil
}

func (c *publisher) manualOnly() error {
	if !c.xpub || !c.sock.patternOptions().xpubManual {
		return fmt.Errorf("%w: a publisher takes Subscribe only as an XPUB with WithXPubManual", ErrNotSupported)
	}
	return nil
}
