package route

import (
	"math/rand/v2"

	"github.com/purezmq/zmq/internal/pipe"
)

// IDTable gives each pipe of a SERVER or PEER a 32-bit routing id, as
// libzmq does: counting up from a random start, never 0 (which names no
// peer) and never an id in use. A retired pipe keeps its id for labelling
// what it still holds, but can no longer be routed to.
type IDTable struct {
	byID   map[uint32]*pipe.Pipe
	byPipe map[*pipe.Pipe]uint32
	next   uint32
}

// NewIDTable returns an empty table.
func NewIDTable() IDTable {
	return IDTable{byID: map[uint32]*pipe.Pipe{}, byPipe: map[*pipe.Pipe]uint32{}, next: rand.Uint32()}
}

// Add gives p the next free id and returns it.
func (t *IDTable) Add(p *pipe.Pipe) uint32 {
	for {
		id := t.next
		t.next++
		if id == 0 || t.byID[id] != nil || t.inUse(id) {
			continue
		}
		t.byID[id] = p
		t.byPipe[p] = id
		return id
	}
}

// inUse tells an id that a retired pipe still labels its messages with.
func (t *IDTable) inUse(id uint32) bool {
	if len(t.byPipe) == len(t.byID) {
		return false // nothing retired
	}
	for _, x := range t.byPipe {
		if x == id {
			return true
		}
	}
	return false
}

// Retire stops routing to p; ID still names it.
func (t *IDTable) Retire(p *pipe.Pipe) {
	if id, ok := t.byPipe[p]; ok && t.byID[id] == p {
		delete(t.byID, id)
	}
}

// Forget drops p altogether.
func (t *IDTable) Forget(p *pipe.Pipe) {
	t.Retire(p)
	delete(t.byPipe, p)
}

// Pipe returns the pipe with the given id, or nil.
func (t *IDTable) Pipe(id uint32) *pipe.Pipe { return t.byID[id] }

// ID returns p's id, or 0 if it has none.
func (t *IDTable) ID(p *pipe.Pipe) uint32 { return t.byPipe[p] }

// Len is the number of pipes that can be routed to.
func (t *IDTable) Len() int { return len(t.byID) }
