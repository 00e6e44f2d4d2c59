package pipe

import (
	"fmt"
	"sync"
	"testing"
)

func msg(s string) *Msg { return &Msg{Frames: [][]byte{[]byte(s)}} }

func TestQueueHWMAndWakeups(t *testing.T) {
	reader, writer := NewWake(), NewWake()
	q := NewQueue(4, reader, writer)
	if _, ok, closed := pop(q); ok || closed {
		t.Fatal("empty queue popped")
	}
	for i := 0; i < 4; i++ {
		if !q.Push(msg("x")) {
			t.Fatalf("push %d refused below the HWM", i)
		}
	}
	select {
	case <-reader:
	default:
		t.Fatal("an armed reader was not woken")
	}
	if q.Push(msg("over")) {
		t.Fatal("push past the HWM accepted")
	}
	// One pop leaves 3 queued in the ring's view: not yet half, so the
	// armed writer is not woken for every single message.
	for i := 0; i < 4; i++ {
		if _, ok, _ := pop(q); !ok {
			t.Fatalf("pop %d found nothing", i)
		}
	}
	select {
	case <-writer:
	default:
		t.Fatal("an armed writer was not woken once room freed up")
	}
}

func TestQueueCloseWrite(t *testing.T) {
	q := NewQueue(0, NewWake(), NewWake())
	q.Push(msg("last"))
	q.CloseWrite()
	if q.Push(msg("late")) {
		t.Fatal("push after CloseWrite accepted")
	}
	if m, ok, _ := pop(q); !ok || string(m.Frames[0]) != "last" {
		t.Fatal("message queued before CloseWrite lost")
	}
	if _, ok, closed := pop(q); ok || !closed {
		t.Fatal("drained closed queue not reported closed")
	}
}

func TestQueueUnboundedGrows(t *testing.T) {
	q := NewQueue(0, NewWake(), NewWake())
	for i := 0; i < 5000; i++ {
		if !q.Push(&Msg{Frames: [][]byte{{byte(i)}}}) {
			t.Fatal("unbounded queue refused a push")
		}
	}
	for i := 0; i < 5000; i++ {
		m, ok, _ := pop(q)
		if !ok || m.Frames[0][0] != byte(i) {
			t.Fatalf("message %d out of order", i)
		}
	}
}

func TestQueueConcurrentOrder(t *testing.T) {
	reader, writer := NewWake(), NewWake()
	q := NewQueue(16, reader, writer)
	const n = 100000
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; i < n; {
			if q.Push(&Msg{Frames: make([][]byte, i%7+1)}) {
				i++
				continue
			}
			<-writer
		}
	}()
	for i := 0; i < n; {
		m, ok, _ := pop(q)
		if !ok {
			<-reader
			continue
		}
		if len(m.Frames) != i%7+1 {
			t.Fatalf("message %d out of order", i)
		}
		i++
	}
	wg.Wait()
}

func TestPairJoinsQueues(t *testing.T) {
	a := Ends{SendHWM: 2, RecvHWM: 3, Readable: NewWake(), Writable: NewWake()}
	b := Ends{SendHWM: 5, RecvHWM: 7, Readable: NewWake(), Writable: NewWake()}
	pa, pb := NewPair(a, b)
	if pa.Out != pb.In || pb.Out != pa.In {
		t.Fatal("pair queues not crossed")
	}
	pushed := 0
	for pa.Out.Push(msg("x")) {
		pushed++
	}
	if pushed != 2+7 {
		t.Fatalf("a->b holds %d, want a's SNDHWM + b's RCVHWM = 9", pushed)
	}
}

// The consumer takes in what is published in one go and reads it without
// the producer; these check what a Discard does to what it took.
func TestQueueDiscard(t *testing.T) {
	tests := []struct {
		name     string
		discard  func(q *Queue)
		wantLeft []string
	}{
		{"Discard leaves what the consumer took in", (*Queue).Discard, []string{"b", "c", "after"}},
		{"DiscardTaken drops it too", (*Queue).DiscardTaken, []string{"after"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := NewQueue(0, NewWake(), NewWake())
			for _, s := range []string{"a", "b", "c"} {
				q.Push(msg(s))
			}
			if m, ok, _ := pop(q); !ok || string(m.Frames[0]) != "a" {
				t.Fatal("first pop failed")
			}
			q.Push(msg("late")) // not yet taken in: every discard drops it
			if q.Len() < 3 {
				t.Fatalf("Len %d, want at least the 3 queued", q.Len())
			}
			tt.discard(q)
			q.Push(msg("after"))
			var left []string
			for {
				m, ok, _ := pop(q)
				if !ok {
					break
				}
				left = append(left, string(m.Frames[0]))
			}
			if fmt.Sprint(left) != fmt.Sprint(tt.wantLeft) {
				t.Fatalf("left %q, want %q", left, tt.wantLeft)
			}
			if q.Len() != 0 {
				t.Fatalf("Len %d once drained", q.Len())
			}
		})
	}
}

// Chunks the consumer finishes go back to the producer: a steady stream
// through a queue allocates nothing once warm.
func TestQueueRecyclesChunks(t *testing.T) {
	q := NewQueue(0, NewWake(), NewWake())
	m := msg("x")
	cycle := func() {
		for i := 0; i < 3*chunkSize; i++ {
			q.Push(m)
		}
		for i := 0; i < 3*chunkSize; i++ {
			pop(q)
		}
	}
	cycle()
	if allocs := testing.AllocsPerRun(20, cycle); allocs != 0 {
		t.Fatalf("%v allocations per cycle once warm", allocs)
	}
}

// A Discard from another goroutine is carried out by the consumer; when it
// leaves nothing, the consumer must still be armed, or the next message
// would never wake it.
func TestQueueDiscardThenWake(t *testing.T) {
	reader := NewWake()
	q := NewQueue(0, reader, NewWake())
	q.Push(msg("old"))
	q.Discard()
	if _, ok, _ := pop(q); ok {
		t.Fatal("a discarded message was popped")
	}
	q.Push(msg("new"))
	select {
	case <-reader:
	default:
		t.Fatal("the consumer was not armed after a discard emptied the queue")
	}
	if m, ok, _ := pop(q); !ok || string(m.Frames[0]) != "new" {
		t.Fatal("the message after the discard was lost")
	}
}

// Many producers may push (the socket and its engine both do, in turn).
func TestQueueManyProducers(t *testing.T) {
	reader, writer := NewWake(), NewWake()
	q := NewQueue(8, reader, writer)
	const producers, each = 4, 20000
	var wg sync.WaitGroup
	for p := 0; p < producers; p++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < each; {
				if q.Push(msg("x")) {
					i++
					continue
				}
				<-writer
				writer.Signal() // the other producers may be waiting too
			}
		}()
	}
	for got := 0; got < producers*each; {
		if _, ok, _ := pop(q); ok {
			got++
			continue
		}
		<-reader
	}
	wg.Wait()
}

// A consumer that stops after taking the last message must leave Len at
// 0, or a closing socket waits for ever for a queue it thinks is not
// empty.
func TestQueueRestSettlesLen(t *testing.T) {
	q := NewQueue(0, NewWake(), NewWake())
	q.Push(msg("last"))
	if _, ok, _ := pop(q); !ok {
		t.Fatal("pop failed")
	}
	q.Rest()
	if n := q.Len(); n != 0 {
		t.Fatalf("Len %d after the consumer took everything and rested, want 0", n)
	}
	q.Push(msg("next"))
	if n := q.Len(); n != 1 {
		t.Fatalf("Len %d with one message queued, want 1", n)
	}
}

// The hook replaces the reader's wake: it is called for an armed consumer
// and when the queue closes, and Pending tells what it would find.
func TestQueueReaderHook(t *testing.T) {
	wake := NewWake()
	q := NewQueue(0, wake, NewWake())
	calls := 0
	q.SetReaderHook(func() { calls++ })
	if _, ok, _ := pop(q); ok || q.Pending() {
		t.Fatal("an empty queue has something pending")
	}
	q.Push(msg("a")) // the consumer is armed: the hook runs
	if calls != 1 || !q.Pending() {
		t.Fatalf("hook called %d times, pending %v; want 1, true", calls, q.Pending())
	}
	select {
	case <-wake:
		t.Fatal("the wake was signalled as well as the hook")
	default:
	}
	q.Push(msg("b")) // not armed again: no call
	if calls != 1 {
		t.Fatalf("hook called %d times for an unarmed consumer", calls)
	}
	q.CloseWrite()
	if calls != 2 {
		t.Fatalf("hook called %d times after CloseWrite, want 2", calls)
	}
}

// pop is Pop returning the message, for tests.
func pop(q *Queue) (Msg, bool, bool) {
	var m Msg
	ok, closed := q.Pop(&m)
	return m, ok, closed
}
