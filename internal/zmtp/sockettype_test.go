package zmtp

import (
	"errors"
	"testing"
)

func TestCompatible(t *testing.T) {
	types := []string{"REQ", "REP", "DEALER", "ROUTER", "PUB", "XPUB", "SUB", "XSUB", "PUSH", "PULL", "PAIR",
		"SERVER", "CLIENT", "RADIO", "DISH", "GATHER", "SCATTER", "DGRAM", "PEER", "CHANNEL"}
	// The RFC 37 table and libzmq 4.3's draft pairs, each written once.
	valid := map[[2]string]bool{}
	for _, p := range [][2]string{
		{"REQ", "REP"}, {"REQ", "ROUTER"}, {"REP", "DEALER"},
		{"DEALER", "DEALER"}, {"DEALER", "ROUTER"}, {"ROUTER", "ROUTER"},
		{"PUB", "SUB"}, {"PUB", "XSUB"}, {"XPUB", "SUB"}, {"XPUB", "XSUB"},
		{"PUSH", "PULL"}, {"PAIR", "PAIR"},
		{"SERVER", "CLIENT"}, {"RADIO", "DISH"}, {"SCATTER", "GATHER"},
		{"PEER", "PEER"}, {"CHANNEL", "CHANNEL"},
	} {
		valid[p] = true
	}
	for _, a := range types {
		for _, b := range types {
			want := valid[[2]string{a, b}] || valid[[2]string{b, a}]
			if got := Compatible(a, b); got != want {
				t.Errorf("Compatible(%s, %s) = %v, want %v", a, b, got, want)
			}
		}
	}
	for _, pair := range [][2]string{{"req", "REP"}, {"REQ", "rep"}, {"STREAM", "STREAM"}, {"", ""}, {"client", "SERVER"}, {"DGRAM", "DGRAM"}} {
		if Compatible(pair[0], pair[1]) {
			t.Errorf("Compatible(%q, %q) = true", pair[0], pair[1])
		}
	}
}

func TestCheckSocketType(t *testing.T) {
	if err := CheckSocketType("REQ", Metadata{{"socket-type", "ROUTER"}}); err != nil {
		t.Fatal(err)
	}
	for _, peer := range []Metadata{nil, {{"Socket-Type", "PUB"}}} {
		if err := CheckSocketType("REQ", peer); !errors.Is(err, ErrProtocol) {
			t.Fatalf("%v: err = %v", peer, err)
		}
	}
}
