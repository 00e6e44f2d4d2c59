package zmq

import (
	"fmt"
	"strings"
)

// Type is a socket type, numbered as in libzmq.
type Type int

// Socket types.
const (
	PAIR Type = iota
	PUB
	SUB
	REQ
	REP
	DEALER
	ROUTER
	PULL
	PUSH
	XPUB
	XSUB
	STREAM
)

var typeNames = [...]string{"PAIR", "PUB", "SUB", "REQ", "REP", "DEALER", "ROUTER", "PULL", "PUSH", "XPUB", "XSUB", "STREAM"}

// String is the type's name as ZMTP's Socket-Type property spells it.
func (t Type) String() string {
	if t < 0 || int(t) >= len(typeNames) {
		return fmt.Sprintf("Type(%d)", int(t))
	}
	return typeNames[t]
}

// ParseType returns the type of the given name ("REQ", "pub", ...).
func ParseType(name string) (Type, error) {
	for i, n := range typeNames {
		if strings.EqualFold(n, name) {
			return Type(i), nil
		}
	}
	return 0, fmt.Errorf("%w: unknown socket type %q", ErrInvalid, name)
}
