package route

// node is one byte of a prefix tree. Its children sit in a table indexed
// from min, as in libzmq's trie_t, so a walk costs one bounds check and one
// load per byte of the key.
type node[V any] struct {
	val  V
	min  byte
	next []*node[V]
	live int // non-nil entries of next
}

func (n *node[V]) child(c byte) *node[V] {
	i := int(c) - int(n.min)
	if i < 0 || i >= len(n.next) {
		return nil
	}
	return n.next[i]
}

// makeChild returns the child for c, creating it and widening the table.
func (n *node[V]) makeChild(c byte) *node[V] {
	switch {
	case len(n.next) == 0:
		n.min = c
		n.next = make([]*node[V], 1)
	case c < n.min:
		grow := int(n.min - c)
		next := make([]*node[V], grow+len(n.next))
		copy(next[grow:], n.next)
		n.next, n.min = next, c
	case int(c-n.min) >= len(n.next):
		n.next = append(n.next, make([]*node[V], int(c-n.min)-len(n.next)+1)...)
	}
	i := c - n.min
	if n.next[i] == nil {
		n.next[i] = &node[V]{}
		n.live++
	}
	return n.next[i]
}

// dropChild removes the child for c and narrows the table to the children
// left.
func (n *node[V]) dropChild(c byte) {
	n.next[c-n.min] = nil
	n.live--
	if n.live == 0 {
		n.next, n.min = nil, 0
		return
	}
	lo, hi := 0, len(n.next)
	for n.next[lo] == nil {
		lo++
	}
	for n.next[hi-1] == nil {
		hi--
	}
	if lo > 0 || hi < len(n.next) {
		n.next = append([]*node[V](nil), n.next[lo:hi]...)
		n.min += byte(lo)
	}
}

// find returns the node for key, or nil.
func (n *node[V]) find(key []byte) *node[V] {
	for _, c := range key {
		if n = n.child(c); n == nil {
			return nil
		}
	}
	return n
}

// make returns the node for key, creating the path to it.
func (n *node[V]) make(key []byte) *node[V] {
	for _, c := range key {
		n = n.makeChild(c)
	}
	return n
}

// removeAt calls edit on the value of key's node, if there is one, then
// prunes the nodes on the way that are left with no value and no children.
// It returns what edit returned, or false if key has no node.
func removeAt[V any](n *node[V], key []byte, edit func(*V) bool, empty func(*V) bool) bool {
	if len(key) == 0 {
		return edit(&n.val)
	}
	c := key[0]
	child := n.child(c)
	if child == nil {
		return false
	}
	ok := removeAt(child, key[1:], edit, empty)
	if child.live == 0 && empty(&child.val) {
		n.dropChild(c)
	}
	return ok
}

// Trie is a set of byte-string prefixes with a reference count each
// (libzmq's trie_t): what a SUB or XSUB keeps of its own subscriptions.
type Trie struct {
	root node[uint32]
	size int
}

// Add counts one more reference to prefix and reports whether it is new.
func (t *Trie) Add(prefix []byte) bool {
	n := t.root.make(prefix)
	n.val++
	if n.val == 1 {
		t.size++
		return true
	}
	return false
}

// Remove drops one reference to prefix and reports whether that was its
// last one (false too if prefix was not there).
func (t *Trie) Remove(prefix []byte) bool {
	last := removeAt(&t.root, prefix, func(v *uint32) bool {
		if *v == 0 {
			return false
		}
		*v--
		return *v == 0
	}, func(v *uint32) bool { return *v == 0 })
	if last {
		t.size--
	}
	return last
}

// Has reports whether prefix itself is in the set.
func (t *Trie) Has(prefix []byte) bool {
	n := t.root.find(prefix)
	return n != nil && n.val > 0
}

// Len is the number of distinct prefixes.
func (t *Trie) Len() int { return t.size }

// Match reports whether some prefix in the set is a prefix of data.
func (t *Trie) Match(data []byte) bool {
	n := &t.root
	for i := 0; ; i++ {
		if n.val > 0 {
			return true
		}
		if i == len(data) {
			return false
		}
		if n = n.child(data[i]); n == nil {
			return false
		}
	}
}

// Each calls fn once for every distinct prefix, in byte order. The slice
// passed is reused between calls: fn must copy what it keeps.
func (t *Trie) Each(fn func(prefix []byte)) {
	var buf []byte
	eachNode(&t.root, &buf, func(prefix []byte, n *node[uint32]) {
		if n.val > 0 {
			fn(prefix)
		}
	})
}

func eachNode[V any](n *node[V], buf *[]byte, fn func([]byte, *node[V])) {
	fn(*buf, n)
	for i, child := range n.next {
		if child != nil {
			*buf = append(*buf, n.min+byte(i))
			eachNode(child, buf, fn)
			*buf = (*buf)[:len(*buf)-1]
		}
	}
}

// MTrie maps prefixes to sets of values (libzmq's mtrie_t): a publisher's
// subscriptions, each prefix to the pipes subscribed to it. A value is in a
// prefix's set at most once, however often it is added, as in libzmq.
type MTrie[T comparable] struct {
	root node[[]T]
}

// RemoveResult tells what MTrie.Remove did.
type RemoveResult int

const (
	// NotFound: the value was not subscribed to the prefix.
	NotFound RemoveResult = iota
	// LastValueRemoved: the prefix has no values left.
	LastValueRemoved
	// ValuesRemain: other values keep the prefix.
	ValuesRemain
)

// Add puts v in prefix's set and reports whether the set was empty before.
func (t *MTrie[T]) Add(prefix []byte, v T) bool {
	n := t.root.make(prefix)
	first := len(n.val) == 0
	for _, x := range n.val {
		if x == v {
			return false
		}
	}
	n.val = append(n.val, v)
	return first
}

// Remove takes v out of prefix's set.
func (t *MTrie[T]) Remove(prefix []byte, v T) RemoveResult {
	res := NotFound
	removeAt(&t.root, prefix, func(vals *[]T) bool {
		if removeValue(vals, v) {
			res = ValuesRemain
			if len(*vals) == 0 {
				res = LastValueRemoved
			}
		}
		return true
	}, func(vals *[]T) bool { return len(*vals) == 0 })
	return res
}

// RemoveValue takes v out of every set it is in, calling fn (if not nil)
// for each such prefix, with last telling whether the prefix was left with
// no values. The prefix slice is reused between calls.
func (t *MTrie[T]) RemoveValue(v T, fn func(prefix []byte, last bool)) {
	var buf []byte
	removeEverywhere(&t.root, &buf, v, fn)
}

// removeEverywhere reports whether n is left empty.
func removeEverywhere[T comparable](n *node[[]T], buf *[]byte, v T, fn func([]byte, bool)) bool {
	if removeValue(&n.val, v) && fn != nil {
		fn(*buf, len(n.val) == 0)
	}
	for i := 0; i < len(n.next); i++ {
		child := n.next[i]
		if child == nil {
			continue
		}
		c := n.min + byte(i)
		*buf = append(*buf, c)
		empty := removeEverywhere(child, buf, v, fn)
		*buf = (*buf)[:len(*buf)-1]
		if empty {
			min := n.min
			n.dropChild(c)
			if n.live == 0 {
				break
			}
			// The table may have lost its head: go on from the entry
			// after c, wherever it is now.
			if i -= int(n.min - min); i < -1 {
				i = -1
			}
		}
	}
	return len(n.val) == 0 && n.live == 0
}

func removeValue[T comparable](vals *[]T, v T) bool {
	s := *vals
	for i, x := range s {
		if x == v {
			last := len(s) - 1
			s[i] = s[last]
			var zero T
			s[last] = zero
			*vals = s[:last]
			if last == 0 {
				*vals = nil
			}
			return true
		}
	}
	return false
}

// Has reports whether v is in prefix's set.
func (t *MTrie[T]) Has(prefix []byte, v T) bool {
	n := t.root.find(prefix)
	if n == nil {
		return false
	}
	for _, x := range n.val {
		if x == v {
			return true
		}
	}
	return false
}

// Match calls fn for every value subscribed to a prefix of data: once per
// matching prefix, so a value subscribed to two of them is seen twice.
func (t *MTrie[T]) Match(data []byte, fn func(T)) {
	n := &t.root
	for i := 0; ; i++ {
		for _, v := range n.val {
			fn(v)
		}
		if i == len(data) {
			return
		}
		if n = n.child(data[i]); n == nil {
			return
		}
	}
}

// Empty reports whether no prefix has a value.
func (t *MTrie[T]) Empty() bool { return len(t.root.val) == 0 && t.root.live == 0 }
