package bufpool

import "testing"

func TestLeaseComesHomeWhenAllSharesAre(t *testing.T) {
	tests := []struct {
		name           string
		lent           int64
		releasedBefore int64 // releases before the reader retires it
		releasedAfter  int64
		wantBackInPool bool
	}{
		{"all released after retiring", 3, 0, 3, true},
		{"all released before retiring", 3, 3, 0, true},
		{"some before, some after", 4, 1, 3, true},
		{"one still out", 3, 1, 1, false},
		{"nothing lent", 0, 0, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := NewLeasePool(64, 8)
			l := p.Get()
			for i := int64(0); i < tt.releasedBefore; i++ {
				l.Release()
			}
			l.Retire(tt.lent)
			for i := int64(0); i < tt.releasedAfter; i++ {
				l.Release()
			}
			if got := p.Get() == l; got != tt.wantBackInPool {
				t.Fatalf("buffer back for reuse: %v, want %v", got, tt.wantBackInPool)
			}
		})
	}
}

// A buffer is never handed out twice at once, however releases and
// retirements interleave.
func TestLeaseNotReusedWhileLent(t *testing.T) {
	p := NewLeasePool(64, 8)
	l := p.Get()
	l.Retire(2)
	l.Release()
	if p.Get() == l {
		t.Fatal("a buffer with a share still out was handed out again")
	}
}

func TestSparesKeepUpToTheirNumber(t *testing.T) {
	s := NewSpares[int](2)
	if s.Get() != nil {
		t.Fatal("an empty Spares gave an object")
	}
	a, b, c := new(int), new(int), new(int)
	s.Put(a)
	s.Put(b)
	s.Put(c) // one too many: dropped
	if s.Len() != 2 {
		t.Fatalf("%d kept, want 2", s.Len())
	}
	if got := s.Get(); got != a {
		t.Fatal("Get did not return the first kept")
	}
	if got := s.Get(); got != b || s.Get() != nil {
		t.Fatal("Get did not return the second kept, then none")
	}
}
