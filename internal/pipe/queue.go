// Package pipe holds the bounded queues that carry messages between a socket
// and one peer, with their high-water marks and the wake-ups between the
// goroutine that fills a queue and the one that drains it.
package pipe

import (
	"sync"
	"sync/atomic"

	"github.com/purezmq/zmq/internal/zmtp"
)

// Msg is one multipart message as it travels through a queue. Frames are
// handed over, never copied: whoever pushes a Msg must not touch its frames
// again.
type Msg struct {
	Frames [][]byte
	// Meta is the sending peer's metadata, shared by all its messages.
	Meta *zmtp.Metadata
	// Kind marks messages that travel as commands on the wire.
	Kind Kind
}

// Kind tells data messages from the subscription commands that share their
// queue, so that order between the two is kept.
type Kind uint8

const (
	Data Kind = iota
	// Subscribe and Cancel carry the topic in Frames[0]; the wire form
	// depends on the peer's ZMTP version, so the engine picks it.
	Subscribe
	Cancel
)

// Wake is a level-triggered wake-up: a buffered channel of one. Signalling
// twice before the waiter runs wakes it once, which is all it needs since it
// re-checks its queues after every wake-up.
type Wake chan struct{}

// NewWake returns a ready Wake.
func NewWake() Wake { return make(Wake, 1) }

// Signal wakes the waiter without ever blocking.
func (w Wake) Signal() {
	select {
	case w <- struct{}{}:
	default:
	}
}

// Queue is a bounded FIFO with one producer and one consumer goroutine at a
// time. A side that finds it empty (consumer) or full (producer) arms it, and
// only then does the other side pay for a wake-up: a busy consumer is never
// signalled, which is what lets a writer drain thousands of messages per
// wake-up.
//
// The consumer takes everything queued at once, by swapping chunk chains
// under the lock, and then reads what it took with no lock at all: each
// side holds the lock for a few pointer moves, however many messages pass,
// so the two goroutines seldom contend for it (a contended sync.Mutex parks
// the loser, and that wake-up cost more than the copying it protected).
type Queue struct {
	mu sync.Mutex
	// The messages live in a chain of fixed-size chunks, so a queue with
	// no HWM grows without ever copying what it holds (a doubling ring
	// copied everything, under GC write barriers), and an idle one holds
	// one chunk.
	head, tail *chunk
	tailPos    int
	spares     *chunk // used chunks kept for reuse, at most maxSpares
	nSpares    int
	count      int
	// hwm bounds count; 0 means no bound, as in libzmq.
	hwm int

	writeClosed bool
	readerArmed bool
	writerArmed bool
	readerWake  Wake
	writerWake  Wake

	// taken is the chain the consumer took: only the consumer touches
	// it, with no lock (see Pop).
	taken takenChain
	// takenLen mirrors taken.count for Len from other goroutines; it is
	// refreshed when the consumer takes and when it runs dry, so between
	// those it may run high, never low.
	takenLen atomic.Int64
}

// takenChain is messages the consumer has taken from the queue and not yet
// returned: from pos in first to the end of the chain, count of them.
type takenChain struct {
	first *chunk
	pos   int
	count int
	// done is chunks read to the end, zeroed, to go back at the next take.
	done *chunk
}

// NewQueue returns a queue holding at most hwm messages (0: unbounded) that
// signals readerWake when a message arrives for an armed reader and
// writerWake when room frees up for an armed writer.
func NewQueue(hwm int, readerWake, writerWake Wake) *Queue {
	c := new(chunk)
	return &Queue{head: c, tail: c, hwm: hwm, readerWake: readerWake, writerWake: writerWake}
}

// chunkSize is how many messages one chunk of a queue holds; maxSpares how
// many drained chunks a queue keeps for reuse, enough for a default HWM's
// worth in flight without garbage.
const (
	chunkSize = 128
	maxSpares = 16
)

type chunk struct {
	msgs [chunkSize]Msg
	next *chunk
}

// SetReaderWake sets the consumer's wake-up, for an inproc queue whose
// consumer binds after the producer connected.
func (q *Queue) SetReaderWake(w Wake) {
	q.mu.Lock()
	q.readerWake = w
	armed := q.count > 0
	q.mu.Unlock()
	if armed {
		w.Signal()
	}
}

// SetWriterWake sets the producer's wake-up (see SetReaderWake).
func (q *Queue) SetWriterWake(w Wake) {
	q.mu.Lock()
	q.writerWake = w
	q.mu.Unlock()
	w.Signal()
}

// Push appends m, or reports false if the queue is full (the producer is
// then armed and will be woken when room frees up) or closed for writing.
func (q *Queue) Push(m Msg) bool { return q.push(m, false) }

// PushForce appends m whatever the high-water mark: for the few messages a
// socket must not lose or block on (subscriptions, a disconnect notice).
func (q *Queue) PushForce(m Msg) bool { return q.push(m, true) }

func (q *Queue) push(m Msg, force bool) bool {
	q.mu.Lock()
	if q.writeClosed || (!force && q.hwm > 0 && q.count >= q.hwm) {
		q.writerArmed = !q.writeClosed
		q.mu.Unlock()
		return false
	}
	q.put(m)
	wake := q.takeReaderWake()
	q.mu.Unlock()
	if wake != nil {
		wake.Signal()
	}
	return true
}

// PushBatch appends as many of msgs as fit and returns how many it took; if
// not all fit, the producer is armed.
func (q *Queue) PushBatch(msgs []Msg) int {
	q.mu.Lock()
	n := 0
	for _, m := range msgs {
		if q.writeClosed || (q.hwm > 0 && q.count >= q.hwm) {
			q.writerArmed = !q.writeClosed
			break
		}
		q.put(m)
		n++
	}
	var wake Wake
	if n > 0 {
		wake = q.takeReaderWake()
	}
	q.mu.Unlock()
	if wake != nil {
		wake.Signal()
	}
	return n
}

// Writable reports whether a Push would succeed now, arming the producer if
// it would not.
func (q *Queue) Writable() bool {
	q.mu.Lock()
	ok := !q.writeClosed && (q.hwm <= 0 || q.count < q.hwm)
	if !ok && !q.writeClosed {
		q.writerArmed = true
	}
	q.mu.Unlock()
	return ok
}

// Pop removes the oldest message. ok is false when the queue is empty; then
// the consumer is armed, and closed tells whether no message will ever come.
//
// When what it took last time is used up, Pop takes every message queued in
// one move under the lock; the rest of the time it takes no lock. What the
// consumer has taken is not counted against the HWM: like libzmq's
// prefetching reader, a queue may hold up to twice its HWM while its
// consumer is busy.
func (q *Queue) Pop() (m Msg, ok, closed bool) {
	if q.taken.count == 0 {
		if closed = q.takeAll(); q.taken.count == 0 {
			return Msg{}, false, closed
		}
	}
	return q.taken.next(&q.takenLen), true, false
}

// PopBatch appends up to max queued messages to dst. When it returns none,
// the consumer is armed, and closed tells whether none will ever come.
func (q *Queue) PopBatch(dst []Msg, max int) (out []Msg, closed bool) {
	if q.taken.count == 0 {
		if closed = q.takeAll(); q.taken.count == 0 {
			return dst, closed
		}
	}
	for n := 0; n < max && q.taken.count > 0; n++ {
		dst = append(dst, q.taken.next(&q.takenLen))
	}
	return dst, false
}

// takeAll moves every queued message to the consumer's chain, handing the
// producer an empty chunk, or arms the consumer if there is none. It
// reports whether the queue is closed and empty.
func (q *Queue) takeAll() (closed bool) {
	q.mu.Lock()
	q.recycle(q.taken.done)
	q.taken.done = nil
	if q.count == 0 {
		q.readerArmed = !q.writeClosed
		closed = q.writeClosed
		q.mu.Unlock()
		return closed
	}
	q.taken.first, q.taken.pos, q.taken.count = q.head, 0, q.count
	q.takenLen.Store(int64(q.count))
	c := q.freshChunk()
	q.head, q.tail, q.tailPos, q.count = c, c, 0, 0
	wake := q.takeWriterWake()
	q.mu.Unlock()
	if wake != nil {
		wake.Signal()
	}
	return false
}

// next returns the consumer's next message, zeroing its slot so the queue
// keeps no reference to it.
func (t *takenChain) next(mirror *atomic.Int64) Msg {
	c := t.first
	m := c.msgs[t.pos]
	c.msgs[t.pos] = Msg{}
	t.pos++
	t.count--
	switch {
	case t.count == 0:
		mirror.Store(0)
		t.retire(c)
		t.first, t.pos = nil, 0
	case t.pos == chunkSize:
		t.first, t.pos = c.next, 0
		t.retire(c)
	}
	return m
}

func (t *takenChain) retire(c *chunk) {
	c.next, t.done = t.done, c
}

// discard drops everything taken and returns how many messages that was.
func (t *takenChain) discard(mirror *atomic.Int64) int {
	n := t.count
	for t.count > 0 {
		t.next(mirror)
	}
	return n
}

// Len is the number of queued messages, counting those the consumer has
// taken but not yet popped. From any goroutine but the consumer's it may
// run high for a moment, never low: 0 means the consumer has nothing left.
func (q *Queue) Len() int {
	q.mu.Lock()
	n := q.count
	q.mu.Unlock()
	return n + int(q.takenLen.Load())
}

// CloseWrite ends the stream: queued messages can still be popped, then the
// consumer sees closed. The consumer is woken so it notices.
func (q *Queue) CloseWrite() {
	q.mu.Lock()
	q.writeClosed = true
	q.writerArmed = false
	q.readerArmed = false
	wake := q.readerWake
	q.mu.Unlock()
	if wake != nil {
		wake.Signal()
	}
}

// Discard drops every queued message and reports how many there were. It
// may be called from any goroutine; what the consumer has already taken is
// left to it (see DiscardTaken).
func (q *Queue) Discard() int {
	q.mu.Lock()
	n := q.count
	for c := q.head; c != nil; c = c.next {
		clear(c.msgs[:])
	}
	q.recycle(q.head.next)
	q.head.next = nil
	q.tail, q.tailPos, q.count = q.head, 0, 0
	wake := q.takeWriterWake()
	q.mu.Unlock()
	if wake != nil {
		wake.Signal()
	}
	return n
}

// DiscardTaken drops every message, those the consumer has taken included;
// only the consumer may call it.
func (q *Queue) DiscardTaken() int {
	return q.taken.discard(&q.takenLen) + q.Discard()
}

// SetHWM changes the bound; messages already queued stay.
func (q *Queue) SetHWM(hwm int) {
	q.mu.Lock()
	q.hwm = hwm
	wake := q.takeWriterWake()
	q.mu.Unlock()
	if wake != nil {
		wake.Signal()
	}
}

func (q *Queue) put(m Msg) {
	if q.tailPos == chunkSize {
		c := q.freshChunk()
		q.tail.next, q.tail, q.tailPos = c, c, 0
	}
	q.tail.msgs[q.tailPos] = m
	q.tailPos++
	q.count++
}

// freshChunk returns an empty chunk, a spare if there is one.
func (q *Queue) freshChunk() *chunk {
	c := q.spares
	if c == nil {
		return new(chunk)
	}
	q.spares, c.next = c.next, nil
	q.nSpares--
	return c
}

// recycle keeps the zeroed chunks of chain as spares, up to maxSpares.
func (q *Queue) recycle(chain *chunk) {
	for c := chain; c != nil; {
		next := c.next
		if q.nSpares < maxSpares {
			c.next, q.spares = q.spares, c
			q.nSpares++
		} else {
			c.next = nil
		}
		c = next
	}
}

func (q *Queue) takeReaderWake() Wake {
	if !q.readerArmed {
		return nil
	}
	q.readerArmed = false
	return q.readerWake
}

func (q *Queue) takeWriterWake() Wake {
	if !q.writerArmed {
		return nil
	}
	// Waking the producer at every pop of a full queue would cost a
	// wake-up per message; waiting for half the room batches them, as
	// libzmq's low-water mark does.
	if q.hwm > 0 && q.count > q.hwm/2 {
		return nil
	}
	q.writerArmed = false
	return q.writerWake
}
