package zmq

import (
	"fmt"
	"strings"
)

// Option configures a socket, in NewSocket or SetOptions. Options that shape
// connections (HWMs, security, heartbeats, ...) apply to connections made
// after they are set, as in libzmq.
//
// An option that the socket's type does not have is refused with an error
// wrapping ErrInvalid that names the option and the type, as libzmq's
// zmq_setsockopt returns EINVAL for an option of another socket type.
type Option func(*options) error

// typeSet is a set of socket types, one bit per Type.
type typeSet uint64

// anyType is the typeSet of an option every socket type takes.
const anyType typeSet = 0

// typesOf returns the set of the given types.
func typesOf(types ...Type) typeSet {
	var s typeSet
	for _, t := range types {
		s |= 1 << uint(t)
	}
	return s
}

func (s typeSet) has(t Type) bool {
	return s == anyType || (t >= 0 && t < 64 && s&(1<<uint(t)) != 0)
}

// String lists the types: "ROUTER and DEALER".
func (s typeSet) String() string {
	var names []string
	for t := Type(0); t < 64; t++ {
		if s&(1<<uint(t)) != 0 {
			names = append(names, t.String())
		}
	}
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}

// declare makes an option: name is the With function's, libzmq the option
// (or options) it stands for, types the socket types that take it (anyType
// for all), set what it does to a socket's options. The declaration is all
// a socket type, old or new, needs: one that is not named in a
// type-specific option's set is refused it.
func declare(name, libzmq string, types typeSet, set func(*options) error) Option {
	return func(o *options) error {
		if !types.has(o.socketType) {
			return fmt.Errorf("%w: %s (%s) does not apply to a %v socket: it is for %v", ErrInvalid, name, libzmq, o.socketType, types)
		}
		return set(o)
	}
}
