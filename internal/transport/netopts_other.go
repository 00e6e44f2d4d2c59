//go:build !linux

package transport

import (
	"errors"
	"fmt"
	"net"
)

// The options below are built for Linux only; elsewhere asking for them
// fails at bind or connect rather than being ignored.

func setRawOptions(fd int, network string, o NetOptions) error {
	return fmt.Errorf("%w: TOS, TCP_MAXRT and BINDTODEVICE on this system", errors.ErrUnsupported)
}

func relisten(ln net.Listener, backlog int) error {
	return fmt.Errorf("%w: a listen backlog on this system", errors.ErrUnsupported)
}

func peerCredentials(c net.Conn) (credentials, error) {
	return credentials{}, fmt.Errorf("%w: ipc peer credentials on this system", errors.ErrUnsupported)
}

func (c credentials) groups() []int { return []int{c.GID} }
