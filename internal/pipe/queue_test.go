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
