package jeromq

import (
	"fmt"
	"os"
	"testing"

	"go.uber.org/goleak"
)

// TestMain builds the Java peer, then runs the tests and fails the run if
// any of our sockets leaves a goroutine behind.
func TestMain(m *testing.M) {
	dir, err := buildPeer()
	if err != nil {
		fmt.Fprintln(os.Stderr, "jeromq: building the Java peer:", err)
		os.Exit(1)
	}
	classDir = dir
	goleak.VerifyTestMain(m)
}
