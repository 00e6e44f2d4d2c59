package transport

import (
	"math"
	"testing"
	"time"
)

const ms = time.Millisecond

func TestBackoffSequence(t *testing.T) {
	tests := []struct {
		name     string
		min, max time.Duration
		want     []time.Duration // without jitter
	}{
		{"libzmq defaults", DefaultReconnectIvl, DefaultReconnectIvlMax, []time.Duration{100 * ms, 100 * ms, 100 * ms, 100 * ms}},
		{"zero value", 0, 0, []time.Duration{100 * ms, 100 * ms, 100 * ms}},
		{"max equals min", 100 * ms, 100 * ms, []time.Duration{100 * ms, 100 * ms, 100 * ms}},
		{"max below min", 100 * ms, 50 * ms, []time.Duration{100 * ms, 100 * ms, 100 * ms}},
		{"doubling", 100 * ms, 1000 * ms, []time.Duration{100 * ms, 200 * ms, 400 * ms, 800 * ms, 1000 * ms, 1000 * ms}},
		{"cap not a power of two", 100 * ms, 300 * ms, []time.Duration{100 * ms, 200 * ms, 300 * ms, 300 * ms}},
		{"zero min with max", 0, 250 * ms, []time.Duration{100 * ms, 200 * ms, 250 * ms, 250 * ms}},
	}
	for _, tt := range tests {
		for _, jitterName := range []string{"none", "largest"} {
			b := Backoff{Min: tt.min, Max: tt.max}
			b.jitter = func(n int64) int64 { return 0 }
			step := time.Duration(0)
			if jitterName == "largest" {
				b.jitter = func(n int64) int64 { return n - 1 }
				step = b.Min
				if step <= 0 {
					step = DefaultReconnectIvl
				}
				step--
			}
			for round := 0; round < 2; round++ {
				for i, w := range tt.want {
					if got := b.Next(); got != w+step {
						t.Errorf("%s, jitter %s, round %d: Next() #%d = %v, want %v", tt.name, jitterName, round, i, got, w+step)
					}
				}
				b.Reset()
			}
		}
	}
}

func TestBackoffRandomJitter(t *testing.T) {
	b := Backoff{Min: 10 * ms, Max: 80 * ms}
	base := 10 * ms
	for i := 0; i < 50; i++ {
		got := b.Next()
		if got < base || got >= base+b.Min {
			t.Fatalf("Next() #%d = %v, want in [%v, %v)", i, got, base, base+b.Min)
		}
		base = min(2*base, b.Max)
	}
}

func TestBackoffNoOverflow(t *testing.T) {
	b := Backoff{Min: time.Second, Max: math.MaxInt64}
	b.jitter = func(n int64) int64 { return n - 1 }
	prev := time.Duration(0)
	for i := 0; i < 100; i++ {
		got := b.Next()
		if got < prev || got <= 0 {
			t.Fatalf("Next() #%d = %v after %v", i, got, prev)
		}
		prev = got
	}
}
