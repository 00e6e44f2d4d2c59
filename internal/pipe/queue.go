// Package pipe holds the bounded queues that carry messages between a socket
// and one peer, with their high-water marks and the wake-ups between the
// goroutine that fills a queue and the one that drains it.
package pipe

import (
	"sync"
	"sync/atomic"

	"github.com/purezmq/zmq/internal/bufpool"
	"github.com/purezmq/zmq/internal/zmtp"
)

// Msg is one multipart message as it travels through a queue. Frames are
// handed over, never copied: whoever pushes a Msg must not touch its frames
// again.
//
// On the pipes of a RADIO and a DISH, a data message's first frame is its
// group, and a Join or Leave is the group alone: the form a RADIO writes
// on the wire. A group field of its own made every message of every type
// 64 bytes rather than 48, and PUB/SUB over tcp with no HWM lost 13% of
// its messages a second to ten subscribers and 9% to one (3.61 M against
// 4.13 M, 2.78 M against 3.06 M, medians of the same run): its growing
// queues are allocated, cleared and scanned by the GC a third larger.
type Msg struct {
	Frames [][]byte
	// Meta is the sending peer's metadata, shared by all its messages.
	Meta *zmtp.Metadata
	// Kind marks messages that travel as commands on the wire.
	Kind Kind
	// RoutingID names the peer a SERVER or PEER message came from or goes
	// to; it sits beside Kind, in what would be padding.
	RoutingID uint32
	// Lease, when set, is the read buffer the frames were lent from; the
	// message holds one share of it (see bufpool.Lease).
	Lease *bufpool.Lease
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
	// Join and Leave are a DISH's JOIN and LEAVE of the group in Frames[0].
	Join
	Leave
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

// Queue is a bounded FIFO between one producer and one consumer goroutine,
// in the manner of libzmq's ypipe: the producer writes messages into a chain
// of chunks and publishes how many it has written with one atomic store; the
// consumer reads up to the count it last loaded and loads it again only when
// it catches up. Neither side takes a lock on the way, so the two goroutines
// share no mutex whose cache line would bounce between them on every
// message.
//
// A side that finds the queue empty (consumer) or full (producer) arms it,
// and only then does the other side pay for a wake-up: a busy consumer is
// never signalled, which is what lets a writer drain thousands of messages
// per wake-up.
//
// Push, PushForce, PushBatch, Writable, CloseWrite and SetHWM are the
// producer's and may be called from several goroutines (they serialise on
// a lock no consumer takes); Pop, PopBatch, DiscardTaken and Empty are the
// consumer's, one goroutine at a time. Len, Discard and the wake setters may
// be called from anywhere.
type Queue struct {
	// Fields are grouped by who writes them, each group on cache lines of
	// its own, so that no line moves between the two cores on every
	// message but the one that must: published.

	// The producer's side, which only producers touch, but for the
	// seldom-written hwm and closed.
	pmu     sync.Mutex
	tail    *chunk
	tailPos int
	written int64
	// takenSeen is taken() as the producer last loaded it: it looks
	// again only when the queue seems full.
	takenSeen int64
	hwm       atomic.Int64 // 0 means no bound, as in libzmq
	closed    atomic.Bool
	_         [64]byte

	// published is how many messages were ever made visible to the
	// consumer; readerArmed says the consumer waits for the next one.
	published   atomic.Int64
	readerArmed atomic.Bool
	_           [64]byte

	// The consumer's side, which only the consumer touches.
	head    *chunk
	headPos int
	read    int64 // messages ever popped
	avail   int64 // published, as the consumer last loaded it
	_       [64]byte

	// What the consumer tells the producer, and other goroutines.
	// consumed is how many messages the consumer has taken in: those no
	// longer count against the HWM. Like libzmq's prefetching reader, a
	// queue may hold up to twice its HWM while its consumer is busy.
	consumed atomic.Int64
	// drained is read, stored when the consumer runs dry, so Len from
	// another goroutine may run high for a moment, never low.
	drained atomic.Int64
	// discardTo asks the consumer to drop every message before it (see
	// Discard).
	discardTo   atomic.Int64
	writerArmed atomic.Bool
	_           [64]byte

	// wmu guards the wakes, which an inproc queue gets when its far
	// socket binds, and the spare chunks.
	wmu        sync.Mutex
	readerWake Wake
	// readerHook, when set, is called instead of signalling readerWake:
	// an engine starts its writer on demand rather than keep one waiting.
	readerHook func()
	writerWake Wake
	spares     *chunk // drained chunks kept for reuse, at most maxSpares
	nSpares    int
}

// NewQueue returns a queue holding at most hwm messages (0: unbounded) that
// signals readerWake when a message arrives for an armed reader and
// writerWake when room frees up for an armed writer.
func NewQueue(hwm int, readerWake, writerWake Wake) *Queue {
	c := newChunk(firstChunkSize)
	q := &Queue{head: c, tail: c, readerWake: readerWake, writerWake: writerWake}
	q.hwm.Store(int64(hwm))
	return q
}

// SetReaderWake sets the consumer's wake-up, for an inproc queue whose
// consumer binds after the producer connected.
func (q *Queue) SetReaderWake(w Wake) {
	q.wmu.Lock()
	q.readerWake = w
	q.wmu.Unlock()
	if q.published.Load() > q.drained.Load() || q.closed.Load() {
		w.Signal()
	}
}

// SetReaderHook makes the queue call hook, instead of signalling its reader
// wake, whenever it would wake its consumer; nil goes back to the wake.
// The hook runs on the producer's goroutine, with the producer's lock
// held: it must not push onto this queue.
func (q *Queue) SetReaderHook(hook func()) {
	q.wmu.Lock()
	q.readerHook = hook
	q.wmu.Unlock()
}

// Rest tells that the consumer stops taking messages for now, having
// written out everything it took: Len then counts only what it has not
// taken, and the consumer is armed if it took everything. A consumer that
// stops without looking once more would leave Len counting the last
// messages it took (see Len).
func (q *Queue) Rest() { q.ready() }

// Pending reports, from any goroutine, whether the consumer would find
// something to take: a message published since it last ran dry, or the
// end of the stream.
func (q *Queue) Pending() bool {
	return q.published.Load() > q.drained.Load() || q.closed.Load()
}

// SetWriterWake sets the producer's wake-up (see SetReaderWake).
func (q *Queue) SetWriterWake(w Wake) {
	q.wmu.Lock()
	q.writerWake = w
	q.wmu.Unlock()
	w.Signal()
}

// Push appends *m, or reports false if the queue is full (the producer is
// then armed and will be woken when room frees up) or closed for writing.
func (q *Queue) Push(m *Msg) bool { return q.push(m, false) }

// PushForce appends m whatever the high-water mark: for the few messages a
// socket must not lose or block on (subscriptions, a disconnect notice).
func (q *Queue) PushForce(m *Msg) bool { return q.push(m, true) }

// push copies *m into the queue. Messages go in through pointers, as they
// come out (see Pop): a sending goroutine copied each message at every
// layer, and sent 16 B messages to bench/floor 40% faster without.
func (q *Queue) push(m *Msg, force bool) bool {
	q.pmu.Lock()
	if q.closed.Load() || (!force && !q.room()) {
		q.pmu.Unlock()
		return false
	}
	q.put(m)
	q.publish()
	q.pmu.Unlock()
	return true
}

// PushBatch appends as many of msgs as fit and returns how many it took; if
// not all fit, the producer is armed.
func (q *Queue) PushBatch(msgs []Msg) int { return q.pushMany(msgs, false) }

// PushAll appends every one of msgs whatever the high-water mark, for a
// consumer that reads its own connection (Pipe.ReadDirect): it is there to
// take them. It reports how many it took: none once closed.
func (q *Queue) PushAll(msgs []Msg) int { return q.pushMany(msgs, true) }

func (q *Queue) pushMany(msgs []Msg, force bool) int {
	q.pmu.Lock()
	n := 0
	if !q.closed.Load() {
		for n < len(msgs) && (force || q.room()) {
			q.put(&msgs[n])
			n++
		}
	}
	if n > 0 {
		q.publish()
	}
	q.pmu.Unlock()
	return n
}

// Poke wakes a consumer that waits for a message, as a message would,
// without one: to look again, for something other than the queue.
func (q *Queue) Poke() {
	if q.readerArmed.Load() && q.readerArmed.CompareAndSwap(true, false) {
		q.signalReader()
	}
}

// Writable reports whether a Push would succeed now, arming the producer if
// it would not.
func (q *Queue) Writable() bool {
	q.pmu.Lock()
	ok := !q.closed.Load() && q.room()
	q.pmu.Unlock()
	return ok
}

// room reports whether one more message fits under the HWM, arming the
// producer if not; pmu is held.
func (q *Queue) room() bool {
	hwm := q.hwm.Load()
	if hwm <= 0 || q.written-q.takenSeen < hwm {
		return true
	}
	if q.takenSeen = q.taken(); q.written-q.takenSeen < hwm {
		return true
	}
	// Arm, then look again: a consumer that took messages between the
	// two loads either sees the arming or is seen here (both sides store
	// before they load, and Go's atomics are sequentially consistent).
	q.writerArmed.Store(true)
	if q.takenSeen = q.taken(); q.written-q.takenSeen < hwm {
		q.writerArmed.Store(false)
		return true
	}
	return false
}

// taken is how many messages no longer count against the HWM.
func (q *Queue) taken() int64 { return max(q.consumed.Load(), q.discardTo.Load()) }

// publish makes what was put visible and wakes an armed consumer; pmu is
// held.
func (q *Queue) publish() {
	q.published.Store(q.written)
	if q.readerArmed.Load() && q.readerArmed.CompareAndSwap(true, false) {
		q.signalReader()
	}
}

func (q *Queue) signalReader() {
	q.wmu.Lock()
	hook, wake := q.readerHook, q.readerWake
	q.wmu.Unlock()
	switch {
	case hook != nil:
		hook()
	case wake != nil:
		wake.Signal()
	}
}

func (q *Queue) signal(w *Wake) {
	q.wmu.Lock()
	wake := *w
	q.wmu.Unlock()
	if wake != nil {
		wake.Signal()
	}
}

// Pop moves the oldest message to dst. ok is false when the queue is
// empty; then the consumer is armed, and closed tells whether no message
// will ever come.
//
// The message is written through a pointer, not returned, and so are the
// receiving socket's layers above (route.FairQueue.Recv, a pattern's
// recv): returned by value, a message was copied at each of four or five
// returns, each copy reading back what the one before had just stored in
// another shape, and a stalled store-to-load forward each time was a third
// of a receiving goroutine's time (16 B over tcp, receiving from
// bench/floor: 5.34 M msg/s returned, 7.40 M through pointers).
func (q *Queue) Pop(dst *Msg) (ok, closed bool) {
	if ok, closed = q.ready(); !ok {
		return false, closed
	}
	q.take(dst)
	return true, false
}

// PopBatch appends up to max queued messages to dst. When it returns none,
// the consumer is armed, and closed tells whether none will ever come.
func (q *Queue) PopBatch(dst []Msg, max int) (out []Msg, closed bool) {
	if ok, closed := q.ready(); !ok {
		return dst, closed
	}
	for n := 0; n < max && q.read < q.avail; n++ {
		dst = append(dst, Msg{})
		q.take(&dst[len(dst)-1])
	}
	return dst, false
}

// ready reports whether the consumer has a message to pop, refilling when
// it has used up what it loaded; when not, the consumer is armed, and closed
// tells whether none will ever come.
func (q *Queue) ready() (ok, closed bool) {
	if q.read < q.avail {
		return true, false
	}
	closed = q.refill()
	return q.read < q.avail, closed
}

// refill loads what the producer has published since, dropping what a
// Discard asked to drop. When there is nothing, it arms the consumer and
// reports whether the queue is closed for good.
func (q *Queue) refill() (closed bool) {
	for {
		q.avail = q.published.Load()
		if q.read == q.avail && q.readerArmed.Load() {
			// Still armed from the last look, so nothing was
			// published since: a socket polling many idle pipes pays
			// three loads each, and no store.
			return q.closed.Load() && q.published.Load() == q.read
		}
		if q.read == q.avail {
			// About to wait: release everything first, so a producer
			// waiting for room is sure to be woken (see room).
			q.release()
			q.drained.Store(q.read)
			q.readerArmed.Store(true)
			if q.avail = q.published.Load(); q.read == q.avail {
				return q.closed.Load() && q.published.Load() == q.read
			}
			q.readerArmed.Store(false)
		}
		for d := q.discardTo.Load(); q.read < min(d, q.avail); {
			q.skip()
		}
		q.release()
		if q.read < q.avail {
			return false
		}
		// A Discard took all of it: look again, arming this time.
	}
}

// release tells the producer that what the consumer loaded no longer counts
// against the HWM, waking it if it waits for room. The producer reads
// consumed only when the queue seems full, so the store seldom moves the
// line to its core.
func (q *Queue) release() {
	q.consumed.Store(q.avail)
	q.wakeWriter()
}

// skip drops the consumer's next message.
func (q *Queue) skip() {
	var m Msg
	q.take(&m)
}

// take moves the consumer's next message to dst, zeroing its slot so the
// queue keeps no reference to it.
func (q *Queue) take(dst *Msg) {
	if q.headPos == len(q.head.msgs) {
		used := q.head
		q.head, q.headPos = used.next, 0
		q.spare(used)
	}
	slot := &q.head.msgs[q.headPos]
	*dst = *slot
	*slot = Msg{}
	q.headPos++
	q.read++
}

// Len is the number of queued messages. It may run high for a moment (until
// the consumer next looks for more), never low: 0 means the consumer has
// nothing left.
func (q *Queue) Len() int {
	n := q.published.Load() - max(q.drained.Load(), q.discardTo.Load())
	return int(max(n, 0))
}

// CloseWrite ends the stream: queued messages can still be popped, then the
// consumer sees closed. The consumer is woken so it notices.
func (q *Queue) CloseWrite() {
	q.pmu.Lock()
	q.closed.Store(true)
	q.pmu.Unlock()
	q.writerArmed.Store(false)
	q.readerArmed.Store(false)
	q.signalReader()
}

// Discard drops every queued message the consumer has not yet taken in. It
// may be called from any goroutine: the consumer drops them the next time
// it looks, and they stop counting against the HWM at once.
func (q *Queue) Discard() {
	q.pmu.Lock()
	to := q.written
	q.pmu.Unlock()
	q.discardTo.Store(max(to, q.discardTo.Load()))
	q.wakeWriter()
}

// DiscardTaken drops every message; only the consumer may call it.
func (q *Queue) DiscardTaken() {
	q.avail = q.published.Load()
	for q.read < q.avail {
		q.skip()
	}
	q.drained.Store(q.read)
	q.release()
}

// Empty reports whether nothing is queued, exactly; only the consumer may
// call it.
func (q *Queue) Empty() bool { return q.read == q.published.Load() }

// SetHWM changes the bound; messages already queued stay.
func (q *Queue) SetHWM(hwm int) {
	q.hwm.Store(int64(hwm))
	q.wakeWriter()
}

func (q *Queue) wakeWriter() {
	if q.writerArmed.Load() && q.writerArmed.CompareAndSwap(true, false) {
		q.signal(&q.writerWake)
	}
}
