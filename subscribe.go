package zmq

import "fmt"

// subscriptions is implemented by the socket types that take Subscribe:
// SUB, XSUB, and XPUB with WithXPubManual.
type subscriptions interface {
	subscribe(topic []byte) error
	unsubscribe(topic []byte) error
}

// Subscribe makes a SUB or XSUB receive the messages whose first frame
// starts with topic ("" is every message) (ZMQ_SUBSCRIBE). Subscriptions are
// counted: a topic subscribed twice takes two Unsubscribe calls. They are
// sent to every publisher connected, and to those that connect later.
//
// On an XPUB with WithXPubManual it subscribes the peer whose subscription
// message was received last. Other socket types return ErrNotSupported.
func (s *Socket) Subscribe(topic string) error { return s.SubscribeBytes([]byte(topic)) }

// Unsubscribe takes back one Subscribe of topic (ZMQ_UNSUBSCRIBE).
// Unsubscribing from a topic not subscribed does nothing.
func (s *Socket) Unsubscribe(topic string) error { return s.UnsubscribeBytes([]byte(topic)) }

// SubscribeBytes is Subscribe with a binary topic. The topic is copied.
func (s *Socket) SubscribeBytes(topic []byte) error {
	return s.changeSubscription(topic, true)
}

// UnsubscribeBytes is Unsubscribe with a binary topic.
func (s *Socket) UnsubscribeBytes(topic []byte) error {
	return s.changeSubscription(topic, false)
}

func (s *Socket) changeSubscription(topic []byte, on bool) error {
	sp, ok := s.pat.(subscriptions)
	if !ok {
		return fmt.Errorf("%w: %v takes no subscriptions", ErrNotSupported, s.typ)
	}
	if err := s.checkOpen(); err != nil {
		return err
	}
	topic = append([]byte{}, topic...)
	s.opMu.Lock()
	var err error
	if on {
		err = sp.subscribe(topic)
	} else {
		err = sp.unsubscribe(topic)
	}
	s.opMu.Unlock()
	return err
}
