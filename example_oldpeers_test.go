package zmq_test

import (
	"fmt"

	"github.com/purezmq/zmq"
)

// A PULL that also takes libzmq 2.x pushers (ZMTP 1.0), which the default
// refuses, and one that takes ZMTP 3.x peers only.
func ExampleWithMinZMTPVersion() {
	legacy, err := zmq.NewSocket(zmq.PULL, zmq.WithMinZMTPVersion(1))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer legacy.Close()

	strict, err := zmq.NewSocket(zmq.PULL, zmq.WithMinZMTPVersion(3))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer strict.Close()

	_, err = zmq.NewSocket(zmq.PULL, zmq.WithMinZMTPVersion(4))
	fmt.Println(err)
	// Output: zmq: invalid argument: minimum ZMTP version 4 (1, 2 or 3)
}
