package pipe

import "testing"

// BenchmarkQueueHandOff is one producer and one consumer goroutine moving
// messages through a queue at the default HWM: the floor under inproc.
func BenchmarkQueueHandOff(b *testing.B) {
	reader, writer := NewWake(), NewWake()
	q := NewQueue(1000, reader, writer)
	m := Msg{Frames: [][]byte{make([]byte, 16)}}
	b.ReportAllocs()
	go func() {
		for i := 0; i < b.N; {
			if q.Push(&m) {
				i++
				continue
			}
			<-writer
		}
	}()
	for i := 0; i < b.N; {
		if _, ok, _ := pop(q); ok {
			i++
			continue
		}
		<-reader
	}
}
