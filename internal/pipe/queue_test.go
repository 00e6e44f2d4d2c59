package pipe

import (
	"sync"
	"testing"
)

func msg(s string) Msg { return Msg{Frames: [][]byte{[]byte(s)}} }

func TestQueueHWMAndWakeups(t *testing.T) {
	reader, writer := NewWake(), NewWake()
	q := NewQueue(4, reader, writer)
	if _, ok, closed := q.Pop(); ok || closed {
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
		if _, ok, _ := q.Pop(); !ok {
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
	if m, ok, _ := q.Pop(); !ok || string(m.Frames[0]) != "last" {
		t.Fatal("message queued before CloseWrite lost")
	}
	if _, ok, closed := q.Pop(); ok || !closed {
		t.Fatal("drained closed queue not reported closed")
	}
}

func TestQueueUnboundedGrows(t *testing.T) {
	q := NewQueue(0, NewWake(), NewWake())
	for i := 0; i < 5000; i++ {
		if !q.Push(Msg{Frames: [][]byte{{byte(i)}}}) {
			t.Fatal("unbounded queue refused a push")
		}
	}
	for i := 0; i < 5000; i++ {
		m, ok, _ := q.Pop()
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
			if q.Push(Msg{Frames: make([][]byte, i%7+1)}) {
				i++
				continue
			}
			<-writer
		}
	}()
	for i := 0; i < n; {
		m, ok, _ := q.Pop()
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

// The consumer takes whole chains and reads them without the lock; these
// check what other goroutines see of what it took.
func TestQueueTakenMessages(t *testing.T) {
	tests := []struct {
		name      string
		queued    int
		popped    int
		discard   func(q *Queue) int
		wantGone  int
		wantAfter int // Len after the discard
	}{
		{"Discard leaves what the consumer took", 300, 1, (*Queue).Discard, 0, 299},
		{"DiscardTaken drops it too", 300, 1, (*Queue).DiscardTaken, 299, 0},
		{"Discard drops what came after the take", 10, 1, nil, 0, 9},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := NewQueue(0, NewWake(), NewWake())
			for i := 0; i < tt.queued; i++ {
				q.Push(msg("x"))
			}
			for i := 0; i < tt.popped; i++ {
				if _, ok, _ := q.Pop(); !ok {
					t.Fatal("pop found nothing")
				}
			}
			if got := q.Len(); got < tt.queued-tt.popped {
				t.Fatalf("Len %d after taking, want at least %d", got, tt.queued-tt.popped)
			}
			if tt.discard == nil {
				q.Push(msg("late"))
				if n := q.Discard(); n != 1 {
					t.Fatalf("Discard dropped %d, want the 1 pushed after the take", n)
				}
				return
			}
			if n := tt.discard(q); n != tt.wantGone {
				t.Fatalf("dropped %d, want %d", n, tt.wantGone)
			}
			left := 0
			for {
				if _, ok, _ := q.Pop(); !ok {
					break
				}
				left++
			}
			if left != tt.wantAfter {
				t.Fatalf("%d left to pop, want %d", left, tt.wantAfter)
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
			q.Pop()
		}
	}
	cycle()
	if allocs := testing.AllocsPerRun(20, cycle); allocs != 0 {
		t.Fatalf("%v allocations per cycle once warm", allocs)
	}
}
