// Package pipe holds the bounded queues that carry messages between a socket
// and one peer, with their high-water marks and the wake-ups between the
// goroutine that fills a queue and the one that drains it.
package pipe

import (
	"sync"

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
type Queue struct {
	mu sync.Mutex
	// The messages live in a chain of fixed-size chunks, so a queue with
	// no HWM grows without ever copying what it holds (a doubling ring
	// copied everything, under GC write barriers), and an idle one holds
	// one chunk.
	head, tail       *chunk
	headPos, tailPos int
	spares           *chunk // used chunks kept for reuse, at most maxSpares
	nSpares          int
	count            int
	// hwm bounds count; 0 means no bound, as in libzmq.
	hwm int

	writeClosed bool
	readerArmed bool
	writerArmed bool
	readerWake  Wake
	writerWake  Wake

	// cache and cachePos belong to the consumer alone (see Pop).
	cache    []Msg
	cachePos int
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
// Pop takes messages from the shared ring a batch at a time into a cache
// only the consumer touches, so most calls take no lock. The cache is not
// counted against the HWM: like libzmq's prefetching reader, a queue may
// hold up to twice its HWM while its consumer is busy.
func (q *Queue) Pop() (m Msg, ok, closed bool) {
	if q.cachePos < len(q.cache) {
		m = q.cache[q.cachePos]
		q.cache[q.cachePos] = Msg{}
		q.cachePos++
		return m, true, false
	}
	q.mu.Lock()
	if q.count == 0 {
		q.readerArmed = !q.writeClosed
		closed = q.writeClosed
		q.mu.Unlock()
		return Msg{}, false, closed
	}
	q.cache, q.cachePos = q.cache[:0], 0
	for n := 0; q.count > 0 && n < popBatch; n++ {
		q.cache = append(q.cache, q.take())
	}
	wake := q.takeWriterWake()
	q.mu.Unlock()
	if wake != nil {
		wake.Signal()
	}
	m = q.cache[0]
	q.cache[0] = Msg{}
	q.cachePos = 1
	return m, true, false
}

// popBatch bounds how many messages one locked Pop moves to the cache.
const popBatch = 256

// PopBatch appends up to max queued messages to dst. When it returns none,
// the consumer is armed, and closed tells whether none will ever come.
func (q *Queue) PopBatch(dst []Msg, max int) (out []Msg, closed bool) {
	q.mu.Lock()
	if q.count == 0 {
		q.readerArmed = !q.writeClosed
		closed = q.writeClosed
		q.mu.Unlock()
		return dst, closed
	}
	for n := 0; q.count > 0 && n < max; n++ {
		dst = append(dst, q.take())
	}
	wake := q.takeWriterWake()
	q.mu.Unlock()
	if wake != nil {
		wake.Signal()
	}
	return dst, false
}

// Len is the number of queued messages.
func (q *Queue) Len() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.count
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

// Discard drops every queued message and reports how many there were.
func (q *Queue) Discard() int {
	q.mu.Lock()
	n := q.count
	for q.count > 0 {
		q.take()
	}
	wake := q.takeWriterWake()
	q.mu.Unlock()
	if wake != nil {
		wake.Signal()
	}
	return n
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
		c := q.spares
		if c != nil {
			q.spares, c.next = c.next, nil
			q.nSpares--
		} else {
			c = new(chunk)
		}
		q.tail.next, q.tail, q.tailPos = c, c, 0
	}
	q.tail.msgs[q.tailPos] = m
	q.tailPos++
	q.count++
}

func (q *Queue) take() Msg {
	m := q.head.msgs[q.headPos]
	q.head.msgs[q.headPos] = Msg{}
	q.headPos++
	q.count--
	switch {
	case q.count == 0:
		// Empty: start over at the front of the chunk in hand.
		q.headPos, q.tailPos = 0, 0
		q.head.next = nil
		q.tail = q.head
	case q.headPos == chunkSize:
		used := q.head
		q.head, q.headPos = used.next, 0
		used.next = nil
		if q.nSpares < maxSpares {
			used.next, q.spares = q.spares, used
			q.nSpares++
		}
	}
	return m
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
