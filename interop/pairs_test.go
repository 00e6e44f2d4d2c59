package interop

import (
	"fmt"
	"testing"

	"github.com/purezmq/zmq"
)

// step is one message of a dialogue: side from (0 for a, 1 for b) sends
// send, and the other side must receive exactly want.
type step struct {
	from       int
	send, want [][]byte
}

// dialogue is what two socket types say to each other.
type dialogue struct {
	a, b  zmq.Type
	steps []step
}

// REQ and DEALER may not talk (RFC 28 and libzmq refuse the pairing): that
// is tested with the other mismatched types in TestWrongSocketType.
var dialogues = []dialogue{
	{zmq.PAIR, zmq.PAIR, []step{
		{0, frames("hello"), frames("hello")},
		{1, frames("world", "two"), frames("world", "two")},
		{0, frames("again"), frames("again")},
	}},
	{zmq.PUSH, zmq.PULL, []step{
		{0, frames("one"), frames("one")},
		{0, frames("two", "", "parts"), frames("two", "", "parts")},
	}},
	{zmq.REQ, zmq.REP, []step{
		{0, frames("hello"), frames("hello")},
		{1, frames("world"), frames("world")},
		{0, frames("second", "request"), frames("second", "request")},
		{1, frames("second", "reply"), frames("second", "reply")},
	}},
	{zmq.DEALER, zmq.REP, []step{
		{0, frames("", "hello"), frames("hello")},
		{1, frames("world"), frames("", "world")},
		{0, frames("", "a", "b"), frames("a", "b")},
		{1, frames("c", "d"), frames("", "c", "d")},
	}},
	{zmq.DEALER, zmq.DEALER, []step{
		{0, frames("hello"), frames("hello")},
		{1, frames("world", "!"), frames("world", "!")},
		{1, frames("more"), frames("more")},
		{0, frames(""), frames("")},
	}},
}

// TestPairs runs every dialogue with each side ours and libzmq's, each side
// binding, over tcp and ipc.
func TestPairs(t *testing.T) {
	for _, d := range dialogues {
		for oursSide := 0; oursSide < 2; oursSide++ {
			if d.a == d.b && oursSide == 1 {
				continue // symmetric: same as oursSide 0
			}
			for _, oursBinds := range []bool{true, false} {
				for _, tr := range transports {
					name := fmt.Sprintf("%s/%s/%s", pairName(d, oursSide), binderName(oursBinds), tr)
					t.Run(name, func(t *testing.T) {
						runDialogue(t, d, oursSide, oursBinds, tr)
					})
				}
			}
		}
	}
}

func pairName(d dialogue, oursSide int) string {
	who := [2]string{"libzmq", "libzmq"}
	who[oursSide] = "ours"
	return fmt.Sprintf("%v(%s)-%v(%s)", d.a, who[0], d.b, who[1])
}

func binderName(oursBinds bool) string {
	if oursBinds {
		return "ours-binds"
	}
	return "libzmq-binds"
}

// makeEnds makes socket a and b, one ours and one libzmq's, and connects
// them as asked.
func makeEnds(t *testing.T, a, b zmq.Type, oursSide int, oursBinds bool, tr string) [2]end {
	t.Helper()
	var ends [2]end
	types := [2]zmq.Type{a, b}
	ends[oursSide] = ourEnd{newOurs(t, types[oursSide])}
	ends[1-oursSide] = lzEnd{newLZ(t, types[1-oursSide])}
	binder, connecter := ends[oursSide], ends[1-oursSide]
	if !oursBinds {
		binder, connecter = connecter, binder
	}
	ep := binder.bind(t, bindAddr(t, tr))
	connecter.connect(t, ep)
	return ends
}

func runDialogue(t *testing.T, d dialogue, oursSide int, oursBinds bool, tr string) {
	ends := makeEnds(t, d.a, d.b, oursSide, oursBinds, tr)
	for i, s := range d.steps {
		ends[s.from].send(t, s.send...)
		got := ends[1-s.from].recv(t)
		if err := sameFrames(got, s.want); err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
	}
}
