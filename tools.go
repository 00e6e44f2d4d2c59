//go:build tools

package zmq

// Pins the modules the project depends on before their first import.
import (
	_ "go.uber.org/goleak"
	_ "golang.org/x/crypto/nacl/box"
)
