// Package bufpool recycles the buffers of large received frames. Go frees
// memory only at the next collection, so a fresh buffer per large frame
// walks through cold memory; libzmq's malloc hands the freed block straight
// back. Frames a receiver releases come back here and are reused warm.
package bufpool

import (
	"math/bits"
	"sync"
)

const (
	minShift = 14 // 16 KiB: smaller frames share the read buffer
	maxShift = 26 // 64 MiB: bigger ones are rare enough to allocate
)

var classes [maxShift - minShift + 1]sync.Pool

func class(size int) (int, bool) {
	if size <= 1<<minShift {
		return 0, true
	}
	shift := bits.Len(uint(size - 1))
	if shift > maxShift {
		return 0, false
	}
	return shift - minShift, true
}

// Get returns a buffer of length size, recycled if one is at hand. Its
// contents are not zeroed: the caller overwrites all of it.
func Get(size int) []byte {
	c, ok := class(size)
	if !ok {
		return make([]byte, size)
	}
	if b, ok := classes[c].Get().(*[]byte); ok {
		return (*b)[:size]
	}
	return make([]byte, size, 1<<(c+minShift)+mark)
}

// mark makes the capacity of a pooled buffer one a program hardly ever
// chooses (a power of two plus one), so Put can tell them from buffers it
// never handed out: an inproc receiver may hold the sender's own buffer,
// which must never be recycled under it.
const mark = 1

// Put hands a buffer from Get back for reuse. Other buffers are ignored,
// so a frame that did not come from Get cannot poison a class.
func Put(b []byte) {
	if !Pooled(b) {
		return
	}
	c, _ := class(cap(b) - mark)
	// A fresh variable, so that only a buffer really pooled pays for the
	// pointer that escapes into the pool.
	whole := b[:cap(b)]
	classes[c].Put(&whole)
}

// Pooled reports whether Put would take b: whether it has the capacity of
// a buffer from Get.
func Pooled(b []byte) bool {
	c, ok := class(cap(b) - mark)
	return ok && cap(b) == 1<<(c+minShift)+mark
}
