package zmtp

import "fmt"

// peers lists, for each socket type, the types it may talk to (RFC 37
// "Socket Types"; the draft types as libzmq 4.3 pairs them, RFC 41 and its
// siblings). DGRAM talks raw udp only, never ZMTP, so it has no peer here.
var peers = map[string][]string{
	"REQ":    {"REP", "ROUTER"},
	"REP":    {"REQ", "DEALER"},
	"DEALER": {"REP", "DEALER", "ROUTER"},
	"ROUTER": {"REQ", "DEALER", "ROUTER"},
	"PUB":    {"SUB", "XSUB"},
	"XPUB":   {"SUB", "XSUB"},
	"SUB":    {"PUB", "XPUB"},
	"XSUB":   {"PUB", "XPUB"},
	"PUSH":   {"PULL"},
	"PULL":   {"PUSH"},
	"PAIR":   {"PAIR"},

	"SERVER":  {"CLIENT"},
	"CLIENT":  {"SERVER"},
	"RADIO":   {"DISH"},
	"DISH":    {"RADIO"},
	"GATHER":  {"SCATTER"},
	"SCATTER": {"GATHER"},
	"PEER":    {"PEER"},
	"CHANNEL": {"CHANNEL"},
}

// Compatible reports whether a socket of type ours may talk to one of type
// peer. Names compare exactly, as libzmq compares them: RFC 37 spells them
// in upper case and every implementation sends them so.
func Compatible(ours, peer string) bool {
	for _, t := range peers[ours] {
		if t == peer {
			return true
		}
	}
	return false
}

// CheckSocketType checks the Socket-Type property of the peer's metadata
// against our own type, as libzmq does when it reads READY or INITIATE.
// Mechanisms leave this to their caller, which knows when metadata is final.
func CheckSocketType(ours string, peer Metadata) error {
	t, ok := peer.Get("Socket-Type")
	if !ok {
		return fmt.Errorf("%w: peer sent no Socket-Type", ErrProtocol)
	}
	if !Compatible(ours, t) {
		return fmt.Errorf("%w: socket type %s cannot talk to %s", ErrProtocol, ours, t)
	}
	return nil
}
