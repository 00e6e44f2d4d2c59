package transport

import (
	"math/rand/v2"
	"time"
)

// Defaults of libzmq's ZMQ_RECONNECT_IVL and ZMQ_RECONNECT_IVL_MAX.
const (
	DefaultReconnectIvl    time.Duration = 100 * time.Millisecond
	DefaultReconnectIvlMax time.Duration = 0
)

// Backoff yields reconnect waits the way libzmq does: each wait is the
// current interval plus a random jitter in [0, Min), so that peers
// restarted together do not reconnect in lockstep; the interval starts at
// Min and doubles after each wait up to Max. With Max <= Min the interval
// stays at Min. A Min <= 0 means DefaultReconnectIvl; disabling reconnection
// (ZMQ_RECONNECT_IVL -1) is for the caller to handle. Not safe for
// concurrent use.
type Backoff struct {
	Min, Max time.Duration

	cur time.Duration
	// jitter returns a value in [0, n); nil means math/rand/v2. Tests
	// replace it to check the sequence exactly.
	jitter func(n int64) int64
}

// Next returns how long to wait before the next attempt and advances.
func (b *Backoff) Next() time.Duration {
	lo := b.Min
	if lo <= 0 {
		lo = DefaultReconnectIvl
	}
	if b.cur < lo {
		b.cur = lo
	}
	jitter := rand.Int64N
	if b.jitter != nil {
		jitter = b.jitter
	}
	wait := b.cur + time.Duration(jitter(int64(lo)))
	if wait < b.cur { // overflow near the top of the range
		wait = b.cur
	}
	if b.Max > lo {
		if b.cur > b.Max/2 {
			b.cur = b.Max
		} else {
			b.cur *= 2
		}
	}
	return wait
}

// Reset starts the sequence again from Min, after a connection succeeds.
func (b *Backoff) Reset() { b.cur = 0 }
