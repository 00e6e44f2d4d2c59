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
	mu    sync.Mutex
	ring  []Msg
	head  int
	count int
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
	// A power of two, so positions wrap with a mask rather than a
	// division; the ring grows past it when the HWM allows more.
	size := 16
	for size < hwm && size < 1024 {
		size *= 2
	}
	if hwm <= 0 {
		size = 1024
	}
	return &Queue{ring: make([]Msg, size), hwm: hwm, readerWake: readerWake, writerWake: writerWake}
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
	if q.count == len(q.ring) {
		q.grow()
	}
	q.ring[(q.head+q.count)&(len(q.ring)-1)] = m
	q.count++
}

func (q *Queue) take() Msg {
	m := q.ring[q.head]
	q.ring[q.head] = Msg{}
	q.head = (q.head + 1) & (len(q.ring) - 1)
	q.count--
	return m
}

func (q *Queue) grow() {
	bigger := make([]Msg, 2*len(q.ring))
	for i := 0; i < q.count; i++ {
		bigger[i] = q.ring[(q.head+i)&(len(q.ring)-1)]
	}
	q.ring, q.head = bigger, 0
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
