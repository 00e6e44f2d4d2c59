package route

import "github.com/purezmq/zmq/internal/pipe"

// Groups maps each RADIO group to the pipes whose DISH joined it. Groups
// match whole, byte for byte, as in libzmq (no prefixes, unlike topics). A
// pipe that joins a group twice is counted twice, as libzmq's multimap
// counts it, and still gets each message once.
type Groups struct {
	members map[string]*group
	// last is the group AppendMembers found last: messages come in runs
	// of one group, and comparing a group with itself is cheaper than
	// hashing it. Any change clears it.
	last *group
}

// group is one group's name and members.
type group struct {
	name    string
	members []member
}

type member struct {
	p     *pipe.Pipe
	joins int
}

// Join records that p joined name.
func (g *Groups) Join(name string, p *pipe.Pipe) {
	g.last = nil
	if g.members == nil {
		g.members = map[string]*group{}
	}
	e := g.members[name]
	if e == nil {
		e = &group{name: name}
		g.members[name] = e
	}
	for i := range e.members {
		if e.members[i].p == p {
			e.members[i].joins++
			return
		}
	}
	e.members = append(e.members, member{p: p, joins: 1})
}

// Leave takes back one Join of name by p; leaving a group not joined does
// nothing.
func (g *Groups) Leave(name string, p *pipe.Pipe) {
	g.last = nil
	e := g.members[name]
	if e == nil {
		return
	}
	for i := range e.members {
		if e.members[i].p != p {
			continue
		}
		if e.members[i].joins--; e.members[i].joins == 0 {
			g.remove(e, i)
		}
		return
	}
}

func (g *Groups) remove(e *group, i int) {
	ms := append(e.members[:i], e.members[i+1:]...)
	ms[:cap(ms)][len(ms)] = member{}
	e.members = ms
	if len(ms) == 0 {
		delete(g.members, e.name)
	}
}

// RemovePipe forgets every group p joined.
func (g *Groups) RemovePipe(p *pipe.Pipe) {
	g.last = nil
	for _, e := range g.members {
		for i := range e.members {
			if e.members[i].p == p {
				g.remove(e, i)
				break
			}
		}
	}
}

// AppendMembers appends the pipes that joined name to dst, each once,
// and returns the extended slice. It allocates nothing when dst has room.
func (g *Groups) AppendMembers(dst []*pipe.Pipe, name []byte) []*pipe.Pipe {
	e := g.last
	if e == nil || string(name) != e.name {
		if e = g.members[string(name)]; e == nil {
			return dst
		}
		g.last = e
	}
	for _, m := range e.members {
		dst = append(dst, m.p)
	}
	return dst
}

// Len is the number of groups with members.
func (g *Groups) Len() int { return len(g.members) }

// GroupSet is the groups a DISH joined. Each group is held once: joining
// a group twice, or leaving one not joined, is refused, as in libzmq.
type GroupSet struct {
	// groups maps each group to itself, for Has to keep the string.
	groups map[string]string
	// last is the group Has found last: messages come in runs of one
	// group, and comparing bytes is cheaper than hashing them.
	last string
}

// Add joins group and reports whether it was not joined already.
func (s *GroupSet) Add(group string) bool {
	if s.groups == nil {
		s.groups = map[string]string{}
	}
	if _, ok := s.groups[group]; ok {
		return false
	}
	s.groups[group] = group
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
func (s *GroupSet) Has(group []byte) bool {
	if string(group) == s.last && len(group) > 0 {
		return true
	}
	name, ok := s.groups[string(group)]
	if ok {
		s.last = name
	}
	return ok
}

// Each calls fn with every group joined, in no particular order.
func (s *GroupSet) Each(fn func(group string)) {
	for g := range s.groups {
		fn(g)
	}
}
