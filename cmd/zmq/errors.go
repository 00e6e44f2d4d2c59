package main

import (
	"errors"

	"github.com/purezmq/zmq"
)

// checkSocketErr turns the library's complaints about what the user typed
// (a malformed endpoint, an unusable option value) into usage errors, so
// they exit 2 like any other bad argument; everything else stays a failure.
func checkSocketErr(err error) error {
	if err == nil {
		return nil
	}
	var ue usageError
	if errors.As(err, &ue) {
		return err
	}
	if errors.Is(err, zmq.ErrEndpoint) || errors.Is(err, zmq.ErrInvalid) {
		return usageError{err.Error()}
	}
	return err
}
