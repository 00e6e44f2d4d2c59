package interop

import (
	"fmt"
	"strings"
	"testing"
	"time"

	zmq4 "github.com/pebbe/zmq4"
	"github.com/purezmq/zmq"
)

// subscriber is a SUB or XSUB, ours or libzmq's, with its way to
// subscribe: an option for SUB, a message for XSUB.
type subscriber struct {
	end
	sub func(t *testing.T, topic string, on bool)
}

func newSubscriber(t *testing.T, typ zmq.Type, ours bool) subscriber {
	t.Helper()
	switch {
	case ours && typ == zmq.SUB:
		s := newOurs(t, typ)
		return subscriber{ourEnd{s}, func(t *testing.T, topic string, on bool) {
			t.Helper()
			if on {
				must(t, s.Subscribe(topic))
			} else {
				must(t, s.Unsubscribe(topic))
			}
		}}
	case !ours && typ == zmq.SUB:
		s := newLZ(t, typ)
		return subscriber{lzEnd{s}, func(t *testing.T, topic string, on bool) {
			t.Helper()
			if on {
				must(t, s.SetSubscribe(topic))
			} else {
				must(t, s.SetUnsubscribe(topic))
			}
		}}
	}
	var e end
	if ours {
		e = ourEnd{newOurs(t, typ)}
	} else {
		e = lzEnd{newLZ(t, typ)}
	}
	return subscriber{e, func(t *testing.T, topic string, on bool) {
		t.Helper()
		e.send(t, subscription(topic, on))
	}}
}

// subscription is the message an XSUB sends to (un)subscribe.
func subscription(topic string, on bool) []byte {
	if on {
		return append([]byte{1}, topic...)
	}
	return append([]byte{0}, topic...)
}

// syncMarker sends a marker message and receives until it arrives,
// returning what came before it.
func syncMarker(t *testing.T, pub end, sub subscriber, tag string) [][][]byte {
	t.Helper()
	pub.send(t, frames("marker", tag)...)
	var before [][][]byte
	for {
		m := sub.recv(t)
		if err := sameFrames(m, frames("marker", tag)); err == nil {
			return before
		}
		before = append(before, m)
	}
}

// awaitSubscribed publishes a topic message until the subscriber gets one:
// a subscription takes time to reach the publisher. It then drains any
// extra copies with a marker (which must already be subscribed to, or be
// the topic itself).
func awaitSubscribed(t *testing.T, pub end, sub subscriber, topic string) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for i := 0; ; i++ {
		pub.send(t, frames(topic, fmt.Sprint("probe ", i))...)
		if m, ok := sub.tryRecv(t, 20*time.Millisecond); ok {
			if len(m) == 2 && string(m[0]) != topic && strings.HasPrefix(string(m[1]), "probe ") {
				// A late copy from the wait for an earlier topic: on a
				// busy machine a probe can take longer than the 20ms.
				continue
			}
			if len(m) != 2 || string(m[0]) != topic {
				t.Fatalf("subscriber received %s while waiting for %q", show(m), topic)
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("subscription to %q took no effect in %v", topic, timeout)
		}
	}
}

// TestPubSub: PUB or XPUB publishing to SUB or XSUB, one side ours, either
// side binding: subscriptions take effect, prefixes filter, and
// unsubscribing stops the flow.
func TestPubSub(t *testing.T) {
	for _, pubType := range []zmq.Type{zmq.PUB, zmq.XPUB} {
		for _, subType := range []zmq.Type{zmq.SUB, zmq.XSUB} {
			for _, oursPub := range []bool{true, false} {
				for _, oursBinds := range []bool{true, false} {
					for _, tr := range transports {
						who := [2]string{"libzmq", "ours"}
						if oursPub {
							who = [2]string{"ours", "libzmq"}
						}
						name := fmt.Sprintf("%v(%s)-%v(%s)/%s/%s", pubType, who[0], subType, who[1], binderName(oursBinds), tr)
						t.Run(name, func(t *testing.T) {
							runPubSub(t, pubType, subType, oursPub, oursBinds, tr)
						})
					}
				}
			}
		}
	}
}

func runPubSub(t *testing.T, pubType, subType zmq.Type, oursPub, oursBinds bool, tr string) {
	var pub end
	if oursPub {
		pub = ourEnd{newOurs(t, pubType)}
	} else {
		pub = lzEnd{newLZ(t, pubType)}
	}
	sub := newSubscriber(t, subType, !oursPub)
	ours, lz := pub, end(sub)
	if !oursPub {
		ours, lz = sub, pub
	}
	connectPair(t, ours, lz, oursBinds, tr)

	sub.sub(t, "marker", true)
	awaitSubscribed(t, pub, sub, "marker")
	sub.sub(t, "topic", true)
	awaitSubscribed(t, pub, sub, "topic")
	syncMarker(t, pub, sub, "sync 1")

	// Filtering: "other" is not subscribed; prefixes match.
	pub.send(t, frames("other", "no")...)
	pub.send(t, frames("topic.more", "yes", "three frames")...)
	pub.send(t, frames("topi", "no")...)
	pub.send(t, frames("topic", "")...)
	got := syncMarker(t, pub, sub, "sync 2")
	want := [][][]byte{frames("topic.more", "yes", "three frames"), frames("topic", "")}
	if len(got) != len(want) {
		t.Fatalf("subscriber received %d messages %v, want %d", len(got), got, len(want))
	}
	for i := range got {
		expectFrames(t, got[i], want[i])
	}

	// Unsubscribing: once it has reached the publisher, "topic" messages
	// stop coming before the markers.
	sub.sub(t, "topic", false)
	deadline := time.Now().Add(timeout)
	for i := 0; ; i++ {
		pub.send(t, frames("topic", "after unsubscribe")...)
		if len(syncMarker(t, pub, sub, fmt.Sprint("unsub ", i))) == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("unsubscription took no effect in %v", timeout)
		}
	}
	pub.send(t, frames("topic", "after unsubscribe")...)
	if extra := syncMarker(t, pub, sub, "final"); len(extra) != 0 {
		t.Fatalf("received %v after the unsubscription took effect", extra)
	}
}

// TestXPubSubscriptions: an XPUB, ours or libzmq's, receives the
// subscriptions and unsubscriptions of a SUB or XSUB of the other, as
// "\x01topic" and "\x00topic", and the unsubscriptions of a subscriber that
// goes away.
//
// The XPUB binds. libzmq 4.3.4 itself is no reference for an XPUB that
// connects to a bound SUB: between two libzmq sockets the XPUB then never
// receives the SUB's subscriptions (even after the handshake), and a
// connecting socket keeps its pipe when the peer goes, so it sends no
// unsubscriptions then.
func TestXPubSubscriptions(t *testing.T) {
	for _, subType := range []zmq.Type{zmq.SUB, zmq.XSUB} {
		for _, oursXPub := range []bool{true, false} {
			for _, oursBinds := range []bool{oursXPub} {
				for _, tr := range transports {
					who := [2]string{"libzmq", "ours"}
					if oursXPub {
						who = [2]string{"ours", "libzmq"}
					}
					name := fmt.Sprintf("XPUB(%s)-%v(%s)/%s/%s", who[0], subType, who[1], binderName(oursBinds), tr)
					t.Run(name, func(t *testing.T) {
						var xpub end
						var lzSub *zmq4.Socket
						if oursXPub {
							xpub = ourEnd{newOurs(t, zmq.XPUB)}
						} else {
							xpub = lzEnd{newLZ(t, zmq.XPUB)}
						}
						sub := newSubscriber(t, subType, !oursXPub)
						if e, ok := sub.end.(lzEnd); ok {
							lzSub = e.s
						}
						ours, lz := xpub, end(sub)
						if !oursXPub {
							ours, lz = sub, xpub
						}
						connectPair(t, ours, lz, oursBinds, tr)

						sub.sub(t, "topic", true)
						expectFrames(t, xpub.recv(t), [][]byte{subscription("topic", true)})
						sub.sub(t, "", true) // everything
						expectFrames(t, xpub.recv(t), [][]byte{subscription("", true)})
						sub.sub(t, "topic", false)
						expectFrames(t, xpub.recv(t), [][]byte{subscription("topic", false)})
						sub.sub(t, "second", true)
						expectFrames(t, xpub.recv(t), [][]byte{subscription("second", true)})

						// Data still flows to the subscriber.
						xpub.send(t, frames("anything", "x")...)
						expectFrames(t, sub.recv(t), frames("anything", "x"))

						// A subscriber that goes away takes its
						// subscriptions with it.
						if lzSub != nil {
							must(t, lzSub.Close())
						} else {
							must(t, sub.end.(ourEnd).s.Close())
						}
						got := map[string]bool{}
						for len(got) < 2 {
							m := xpub.recv(t)
							if len(m) != 1 {
								t.Fatalf("XPUB received %s", show(m))
							}
							got[string(m[0])] = true
						}
						for _, w := range []string{"\x00", "\x00second"} {
							if !got[w] {
								t.Fatalf("XPUB got %v after the subscriber closed; want %q", got, []string{"\x00", "\x00second"})
							}
						}
					})
				}
			}
		}
	}
}

// TestResubscribe: ours SUB or XSUB subscribes before it connects, and a
// libzmq PUB that is replaced by a new one on the same endpoint gets the
// subscriptions again when ours reconnects.
func TestResubscribe(t *testing.T) {
	for _, subType := range []zmq.Type{zmq.SUB, zmq.XSUB} {
		for _, tr := range transports {
			t.Run(fmt.Sprintf("%v(ours)/%s", subType, tr), func(t *testing.T) {
				sub := newSubscriber(t, subType, true)
				s := sub.end.(ourEnd).s
				must(t, s.SetOptions(zmq.WithReconnectInterval(20*time.Millisecond, 0)))
				sub.sub(t, "topic", true)
				sub.sub(t, "marker", true)
				pub := newLZ(t, zmq.PUB)
				ep := lzBind(t, pub, bindAddr(t, tr))
				oursConnect(t, s, ep)
				awaitSubscribed(t, lzEnd{pub}, sub, "topic")
				syncMarker(t, lzEnd{pub}, sub, "first")
				for round := 0; round < 2; round++ {
					must(t, pub.Close())
					pub = newLZ(t, zmq.PUB)
					lzBindRetry(t, pub, ep)
					awaitSubscribed(t, lzEnd{pub}, sub, "topic")
					syncMarker(t, lzEnd{pub}, sub, fmt.Sprint("round ", round))
					pub.SendMessage("other", "filtered")
					pub.SendMessage("topic", "kept")
					expectFrames(t, syncMarker(t, lzEnd{pub}, sub, "end")[0], frames("topic", "kept"))
				}
			})
		}
	}
}
