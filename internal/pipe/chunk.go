package pipe

// chunkSize is how many messages one chunk of a queue holds; maxSpares how
// many drained chunks a queue keeps for reuse, enough for a default HWM's
// worth in flight without garbage. A queue starts with a chunk of
// firstChunkSize: most queues of a server with many peers never hold more
// than a message or two, and a full chunk is 6 KiB.
const (
	chunkSize      = 128
	firstChunkSize = 4
	maxSpares      = 16
)

// chunk is one link of a queue's chain. Queues are chains of chunks, so a
// queue with no HWM grows without ever copying what it holds (a doubling
// ring copied everything, under GC write barriers), and an idle one holds
// one chunk.
//
// Slots are not padded to a cache line each: that was measured, and the
// extra memory to clear and scan in a growing queue (PUB/SUB with no HWM)
// cost more than the sharing of a line between neighbours.
type chunk struct {
	msgs []Msg
	next *chunk
}

// fullChunk is a chunk of chunkSize messages in one allocation.
type fullChunk struct {
	chunk
	store [chunkSize]Msg
}

func newChunk(size int) *chunk {
	if size == chunkSize {
		f := new(fullChunk)
		f.msgs = f.store[:]
		return &f.chunk
	}
	return &chunk{msgs: make([]Msg, size)}
}

// put writes m after the last message, linking a fresh chunk when the last
// one is full; pmu is held. The consumer sees m once it is published.
func (q *Queue) put(m *Msg) {
	if q.tailPos == len(q.tail.msgs) {
		c := q.fresh()
		q.tail.next, q.tail, q.tailPos = c, c, 0
	}
	q.tail.msgs[q.tailPos] = *m
	q.tailPos++
	q.written++
}

// fresh returns an empty chunk, a spare if there is one.
func (q *Queue) fresh() *chunk {
	q.wmu.Lock()
	c := q.spares
	if c != nil {
		q.spares, c.next = c.next, nil
		q.nSpares--
	}
	q.wmu.Unlock()
	if c == nil {
		c = newChunk(chunkSize)
	}
	return c
}

// spare keeps a chunk the consumer has read to the end (every slot zeroed
// as it was read) for the producer to reuse.
func (q *Queue) spare(c *chunk) {
	c.next = nil
	if len(c.msgs) != chunkSize {
		return // the small first chunk: the GC's
	}
	q.wmu.Lock()
	if q.nSpares < maxSpares {
		c.next, q.spares = q.spares, c
		q.nSpares++
	}
	q.wmu.Unlock()
}
