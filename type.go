package zmq

import (
	"fmt"
	"strings"

	"github.com/purezmq/zmq/internal/engine"
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

// The draft socket types of libzmq 4.3 (built with its draft API): each
// message is a single part, and what routes it travels beside it in Msg
// (RoutingID for SERVER and PEER, Group for RADIO and DISH).
const (
	// SERVER answers CLIENTs: each message received names the CLIENT it
	// came from in RoutingID, and a reply goes to the RoutingID it names
	// (RFC 41).
	SERVER Type = iota + 12
	// CLIENT talks to SERVERs, round-robin out and fair-queued in.
	CLIENT
	// RADIO sends each message to the DISHes that joined its Group.
	RADIO
	// DISH receives the messages of the groups it joined.
	DISH
	// GATHER fair-queues from SCATTERs, the single-part PULL.
	GATHER
	// SCATTER sends round-robin to GATHERs, the single-part PUSH.
	SCATTER
	// DGRAM sends and receives raw udp datagrams as [address, body].
	DGRAM
	// PEER talks to PEERs by routing id, both ways; ConnectPeer says which
	// id a connection got.
	PEER
	// CHANNEL is the single-part PAIR.
	CHANNEL
)

var typeNames = [...]string{"PAIR", "PUB", "SUB", "REQ", "REP", "DEALER", "ROUTER", "PULL", "PUSH", "XPUB", "XSUB", "STREAM",
	"SERVER", "CLIENT", "RADIO", "DISH", "GATHER", "SCATTER", "DGRAM", "PEER", "CHANNEL"}

// singlePart tells the types whose messages have exactly one frame.
func (t Type) singlePart() bool {
	switch t {
	case SERVER, CLIENT, RADIO, DISH, GATHER, SCATTER, PEER, CHANNEL:
		return true
	}
	return false
}

// routed tells the types whose messages carry a RoutingID.
func (t Type) routed() bool { return t == SERVER || t == PEER }

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

// wireParts is the form of the messages the type takes from a peer: a peer
// that sends another is dropped.
func (t Type) wireParts() engine.Parts {
	switch {
	case t == DISH:
		return engine.GroupAndBody
	case t.singlePart():
		return engine.OnePart
	}
	return engine.AnyParts
}
