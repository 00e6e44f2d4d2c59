package route

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"testing"
)

func TestTrieCounts(t *testing.T) {
	var tr Trie
	if tr.Match([]byte("abc")) {
		t.Fatal("empty trie matched")
	}
	if !tr.Add([]byte("ab")) || tr.Add([]byte("ab")) {
		t.Fatal("Add should report only the first reference as new")
	}
	if !tr.Match([]byte("abc")) || !tr.Match([]byte("ab")) || tr.Match([]byte("a")) || tr.Match(nil) {
		t.Fatal("prefix matching wrong")
	}
	if tr.Remove([]byte("ab")) {
		t.Fatal("first Remove of two references reported last")
	}
	if !tr.Match([]byte("abc")) {
		t.Fatal("one reference left should still match")
	}
	if !tr.Remove([]byte("ab")) {
		t.Fatal("last Remove not reported")
	}
	if tr.Remove([]byte("ab")) || tr.Remove([]byte("zz")) {
		t.Fatal("Remove of an absent prefix reported success")
	}
	if tr.Match([]byte("abc")) || tr.Len() != 0 {
		t.Fatal("trie not empty")
	}
	if tr.root.live != 0 || tr.root.next != nil {
		t.Fatal("nodes not pruned")
	}
	tr.Add(nil)
	if !tr.Match(nil) || !tr.Match([]byte("x")) {
		t.Fatal("empty prefix should match everything")
	}
}

// TestTrieRandom checks Trie against a map, with keys over a small alphabet
// so that prefixes overlap and tables widen and narrow both ways.
func TestTrieRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	var tr Trie
	model := map[string]int{}
	key := func() []byte {
		k := make([]byte, r.IntN(4))
		for i := range k {
			k[i] = "azAZ\x00\xff"[r.IntN(6)]
		}
		return k
	}
	for i := 0; i < 20000; i++ {
		k := key()
		switch r.IntN(3) {
		case 0, 1:
			if got, want := tr.Add(k), model[string(k)] == 0; got != want {
				t.Fatalf("Add(%q) = %v, want %v", k, got, want)
			}
			model[string(k)]++
		case 2:
			want := model[string(k)] == 1
			if model[string(k)] > 0 {
				model[string(k)]--
			}
			if model[string(k)] == 0 {
				delete(model, string(k))
			}
			if got := tr.Remove(k); got != want {
				t.Fatalf("Remove(%q) = %v, want %v", k, got, want)
			}
		}
		data := key()
		want := false
		for p := range model {
			if bytes.HasPrefix(data, []byte(p)) {
				want = true
			}
		}
		if got := tr.Match(data); got != want {
			t.Fatalf("Match(%q) = %v, want %v (set %v)", data, got, want, model)
		}
		if tr.Len() != len(model) {
			t.Fatalf("Len %d, want %d", tr.Len(), len(model))
		}
	}
	var listed []string
	tr.Each(func(p []byte) { listed = append(listed, string(p)) })
	var want []string
	for p := range model {
		want = append(want, p)
	}
	sort.Strings(want)
	if !slices.Equal(listed, want) {
		t.Fatalf("Each listed %q, want %q", listed, want)
	}
}

func TestMTrie(t *testing.T) {
	var m MTrie[int]
	if !m.Add([]byte("a"), 1) || m.Add([]byte("a"), 2) || m.Add([]byte("a"), 1) {
		t.Fatal("Add should report only the first value of a prefix")
	}
	m.Add([]byte("ab"), 1)
	m.Add(nil, 3)
	var got []int
	m.Match([]byte("abc"), func(v int) { got = append(got, v) })
	sort.Ints(got)
	if !slices.Equal(got, []int{1, 1, 2, 3}) {
		t.Fatalf("Match = %v", got)
	}
	if r := m.Remove([]byte("a"), 1); r != ValuesRemain {
		t.Fatalf("Remove = %v, want ValuesRemain", r)
	}
	if r := m.Remove([]byte("a"), 1); r != NotFound {
		t.Fatalf("second Remove = %v, want NotFound", r)
	}
	if r := m.Remove([]byte("a"), 2); r != LastValueRemoved {
		t.Fatalf("Remove = %v, want LastValueRemoved", r)
	}
	var removed []string
	m.RemoveValue(1, func(p []byte, last bool) { removed = append(removed, fmt.Sprintf("%s:%v", p, last)) })
	if !slices.Equal(removed, []string{"ab:true"}) {
		t.Fatalf("RemoveValue reported %v", removed)
	}
	m.RemoveValue(3, nil)
	if !m.Empty() {
		t.Fatal("not empty")
	}
}

// TestMTrieRandom checks MTrie against a map of sets, RemoveValue included.
func TestMTrieRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	var m MTrie[int]
	model := map[string]map[int]bool{}
	key := func() []byte {
		k := make([]byte, r.IntN(4))
		for i := range k {
			k[i] = "abyz"[r.IntN(4)]
		}
		return k
	}
	for i := 0; i < 20000; i++ {
		k, v := key(), r.IntN(5)
		switch r.IntN(7) {
		case 0, 1, 2:
			want := len(model[string(k)]) == 0
			if model[string(k)] == nil {
				model[string(k)] = map[int]bool{}
			}
			model[string(k)][v] = true
			if got := m.Add(k, v); got != want {
				t.Fatalf("Add(%q,%d) = %v, want %v", k, v, got, want)
			}
		case 3, 4, 5:
			want := NotFound
			if model[string(k)][v] {
				delete(model[string(k)], v)
				want = ValuesRemain
				if len(model[string(k)]) == 0 {
					want = LastValueRemoved
					delete(model, string(k))
				}
			}
			if got := m.Remove(k, v); got != want {
				t.Fatalf("Remove(%q,%d) = %v, want %v", k, v, got, want)
			}
		case 6:
			want := map[string]bool{}
			for p, set := range model {
				if set[v] {
					delete(set, v)
					want[p] = len(set) == 0
					if len(set) == 0 {
						delete(model, p)
					}
				}
			}
			got := map[string]bool{}
			m.RemoveValue(v, func(p []byte, last bool) { got[string(p)] = last })
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Fatalf("RemoveValue(%d) reported %v, want %v", v, got, want)
			}
		}
		data := key()
		var want []int
		for p, set := range model {
			if bytes.HasPrefix(data, []byte(p)) {
				for v := range set {
					want = append(want, v)
				}
			}
		}
		var got []int
		m.Match(data, func(v int) { got = append(got, v) })
		sort.Ints(got)
		sort.Ints(want)
		if !slices.Equal(got, want) {
			t.Fatalf("Match(%q) = %v, want %v", data, got, want)
		}
	}
	for v := 0; v < 5; v++ {
		m.RemoveValue(v, nil)
	}
	if !m.Empty() || m.root.next != nil {
		t.Fatal("not pruned to empty")
	}
}

func TestMatchDoesNotAllocate(t *testing.T) {
	var m MTrie[*int]
	var tr Trie
	x := new(int)
	m.Add([]byte("topic"), x)
	tr.Add([]byte("topic"))
	data := []byte("topic.and.more")
	n := 0
	allocs := testing.AllocsPerRun(100, func() {
		m.Match(data, func(*int) { n++ })
		tr.Match(data)
	})
	if allocs != 0 {
		t.Fatalf("Match allocates %v times", allocs)
	}
}

// The two ways a publisher can find its subscribers, with 10 of them, each
// subscribed to 5 topics of 100, and messages on random topics: one MTrie
// for all (the walk is shared, each match is then deduplicated), or one Trie
// per subscriber (a walk each).
const benchSubs, benchTopicsEach, benchTopics = 10, 5, 100

func benchTopicNames() [][]byte {
	t := make([][]byte, benchTopics)
	for i := range t {
		t[i] = []byte(fmt.Sprintf("market.%03d.", i))
	}
	return t
}

func BenchmarkMatchMTrie(b *testing.B) {
	topics := benchTopicNames()
	r := rand.New(rand.NewPCG(5, 6))
	type sub struct{ mark uint64 }
	var m MTrie[*sub]
	for i := 0; i < benchSubs; i++ {
		s := &sub{}
		for j := 0; j < benchTopicsEach; j++ {
			m.Add(topics[r.IntN(benchTopics)], s)
		}
	}
	msgs := make([][]byte, 64)
	for i := range msgs {
		msgs[i] = append(append([]byte(nil), topics[r.IntN(benchTopics)]...), "payload"...)
	}
	matched := make([]*sub, 0, benchSubs)
	var epoch uint64
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		epoch++
		matched = matched[:0]
		m.Match(msgs[i%len(msgs)], func(s *sub) {
			if s.mark != epoch {
				s.mark = epoch
				matched = append(matched, s)
			}
		})
	}
}

func BenchmarkMatchPerSubscriber(b *testing.B) {
	topics := benchTopicNames()
	r := rand.New(rand.NewPCG(5, 6))
	tries := make([]Trie, benchSubs)
	for i := range tries {
		for j := 0; j < benchTopicsEach; j++ {
			tries[i].Add(topics[r.IntN(benchTopics)])
		}
	}
	msgs := make([][]byte, 64)
	for i := range msgs {
		msgs[i] = append(append([]byte(nil), topics[r.IntN(benchTopics)]...), "payload"...)
	}
	matched := make([]int, 0, benchSubs)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		matched = matched[:0]
		for j := range tries {
			if tries[j].Match(msgs[i%len(msgs)]) {
				matched = append(matched, j)
			}
		}
	}
}
