package route

import (
	"testing"

	"github.com/purezmq/zmq/internal/pipe"
)

func newPipe() *pipe.Pipe { return pipe.New(0, 0, pipe.NewWake(), pipe.NewWake()) }

func TestIDTable(t *testing.T) {
	ids := NewIDTable()
	ids.next = ^uint32(0) // the next ids wrap past 0, which names no peer
	a, b := newPipe(), newPipe()
	idA, idB := ids.Add(a), ids.Add(b)
	if idA != ^uint32(0) || idB != 1 {
		t.Fatalf("ids %d, %d: want the counter's next, skipping 0", idA, idB)
	}
	if ids.Pipe(idA) != a || ids.Pipe(idB) != b || ids.ID(a) != idA || ids.ID(b) != idB || ids.Len() != 2 {
		t.Fatal("lookups disagree")
	}
	if ids.Pipe(0) != nil || ids.Pipe(12345) != nil {
		t.Fatal("an unknown id found a pipe")
	}

	// A retired pipe is not routed to, but still names its messages, and
	// its id is not given to another until it is forgotten.
	ids.Retire(a)
	if ids.Pipe(idA) != nil || ids.ID(a) != idA || ids.Len() != 1 {
		t.Fatal("retire")
	}
	ids.next = idA
	c := newPipe()
	if idC := ids.Add(c); idC == idA || idC == idB {
		t.Fatalf("a retired pipe's id %d was given again", idC)
	}
	ids.Forget(a)
	if ids.ID(a) != 0 {
		t.Fatal("forget")
	}
	ids.next = idA
	if idD := ids.Add(newPipe()); idD != idA {
		t.Fatalf("a forgotten id was not reused: got %d, want %d", idD, idA)
	}
}

func TestGroups(t *testing.T) {
	var g Groups
	a, b := newPipe(), newPipe()
	members := func(group string) []*pipe.Pipe { return g.AppendMembers(nil, []byte(group)) }
	g.Join("weather", a)
	g.Join("weather", b)
	g.Join("weather", a) // counted twice, sent once
	g.Join("news", b)
	if m := members("weather"); len(m) != 2 || m[0] != a || m[1] != b {
		t.Fatalf("weather: %v", m)
	}
	if len(members("weath")) != 0 || len(members("weatherX")) != 0 {
		t.Fatal("groups match whole, not by prefix")
	}
	g.Leave("weather", a)
	if m := members("weather"); len(m) != 2 {
		t.Fatal("one of two joins left: still a member")
	}
	g.Leave("weather", a)
	if m := members("weather"); len(m) != 1 || m[0] != b {
		t.Fatalf("after leaving twice: %v", m)
	}
	g.Leave("sport", a) // not joined: nothing happens
	g.RemovePipe(b)
	if g.Len() != 0 {
		t.Fatalf("%d groups left after the last member went", g.Len())
	}
	g.Join("weather", a)
	g.Join("news", b)
	dst := make([]*pipe.Pipe, 0, 4)
	weather, news := []byte("weather"), []byte("news")
	// Groups taking turns, and one nobody joined, allocate nothing either.
	if n := testing.AllocsPerRun(100, func() {
		dst = g.AppendMembers(dst[:0], weather)
		dst = g.AppendMembers(dst, news)
		dst = g.AppendMembers(dst, []byte("sport"))
	}); n != 0 || len(dst) != 2 || dst[0] != a || dst[1] != b {
		t.Fatalf("AppendMembers allocates %v times, found %v", n, dst)
	}
}

func TestGroupSet(t *testing.T) {
	var s GroupSet
	if !s.Add("weather") || s.Add("weather") {
		t.Fatal("Add twice")
	}
	if !s.Has([]byte("weather")) || s.Has([]byte("weath")) {
		t.Fatal("Has")
	}
	s.Add("news")
	weather, news := []byte("weather"), []byte("news")
	if n := testing.AllocsPerRun(100, func() {
		if !s.Has(weather) || !s.Has(news) {
			t.Fatal("Has")
		}
	}); n != 0 {
		t.Fatalf("Has allocates %v times with groups taking turns", n)
	}
	s.Remove("news")
	var all []string
	s.Each(func(g string) { all = append(all, g) })
	if len(all) != 1 || all[0] != "weather" {
		t.Fatalf("Each: %v", all)
	}
	if !s.Remove("weather") || s.Remove("weather") || s.Has([]byte("weather")) {
		t.Fatal("Remove: a group found just before is still found")
	}
}
