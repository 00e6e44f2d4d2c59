package interop

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the run if any of our sockets leaves a goroutine behind.
// libzmq's own threads are C threads, which goleak does not see.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }
