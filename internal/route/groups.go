package route

import "github.com/purezmq/zmq/internal/pipe"

// Groups maps each RADIO group to the pipes whose DISH joined it. Groups
// match whole, byte for byte, as in libzmq (no prefixes, unlike topics). A
// pipe that joins a group twice is counted twice, as libzmq's multimap
// counts it, and still gets each message once.
type Groups struct {
	members map[string][]member
	// last and lastMembers are the group AppendMembers looked up last and
	// what it found: messages come in runs of one group, and comparing a
	// group with itself is cheaper than hashing it. Any change clears them.
	last        string
	lastMembers []member
}

type member struct {
	p     *pipe.Pipe
	joins int
}

// Join records that p joined group.
func (g *Groups) Join(group string, p *pipe.Pipe) {
	g.forgetLast()
	if g.members == nil {
		g.members = map[string][]member{}
	}
	ms := g.members[group]
	for i := range ms {
		if ms[i].p == p {
			ms[i].joins++
			return
		}
	}
	g.members[group] = append(ms, member{p: p, joins: 1})
}

// Leave takes back one Join of group by p; leaving a group not joined does
// nothing.
func (g *Groups) Leave(group string, p *pipe.Pipe) {
	g.forgetLast()
	ms := g.members[group]
	for i := range ms {
		if ms[i].p != p {
			continue
		}
		if ms[i].joins--; ms[i].joins == 0 {
			g.remove(group, ms, i)
		}
		return
	}
}

func (g *Groups) remove(group string, ms []member, i int) {
	ms = append(ms[:i], ms[i+1:]...)
	ms[:cap(ms)][len(ms)] = member{}
	if len(ms) == 0 {
		delete(g.members, group)
		return
	}
	g.members[group] = ms
}

// RemovePipe forgets every group p joined.
func (g *Groups) RemovePipe(p *pipe.Pipe) {
	g.forgetLast()
	for group, ms := range g.members {
		for i := range ms {
			if ms[i].p == p {
				g.remove(group, ms, i)
				break
			}
		}
	}
}

// AppendMembers appends the pipes that joined group to dst, each once,
// and returns the extended slice. It allocates nothing when dst has room.
func (g *Groups) AppendMembers(dst []*pipe.Pipe, group string) []*pipe.Pipe {
	ms := g.lastMembers
	if group != g.last || group == "" {
		ms = g.members[group]
		g.last, g.lastMembers = group, ms
	}
	for _, m := range ms {
		dst = append(dst, m.p)
	}
	return dst
}

func (g *Groups) forgetLast() { g.last, g.lastMembers = "", nil }

// Len is the number of groups with members.
func (g *Groups) Len() int { return len(g.members) }

// GroupSet is the groups a DISH joined. Each group is held once: joining
// a group twice, or leaving one not joined, is refused, as in libzmq.
type GroupSet struct {
	groups map[string]struct{}
	// last is the group Has found last: messages come in runs of one
	// group, and comparing two strings that share their bytes is cheaper
	// than hashing one.
	last string
}

// Add joins group and reports whether it was not joined already.
func (s *GroupSet) Add(group string) bool {
	if s.groups == nil {
		s.groups = map[string]struct{}{}
	}
	if _, ok := s.groups[group]; ok {
		return false
	}
	s.groups[group] = struct{}{}
	return true
}

// Remove leaves group and reports whether it was joined.
func (s *GroupSet) Remove(group string) bool {
	if _, ok := s.groups[group]; !ok {
		return false
	}
	delete(s.groups, group)
	if group == s.last {
		s.last = ""
	}
	return true
}

// Has reports whether group is joined.
func (s *GroupSet) Has(group string) bool {
	if group == s.last && group != "" {
		return true
	}
	_, ok := s.groups[group]
	if ok {
		s.last = group
	}
	return ok
}

// Each calls fn with every group joined, in no particular order.
func (s *GroupSet) Each(fn func(group string)) {
	for g := range s.groups {
		fn(g)
	}
}
