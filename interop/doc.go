// Package interop tests purezmq against libzmq 4.3 (through pebbe/zmq4 and
// cgo) over real loopback sockets. It is its own module so the main module
// stays free of cgo.
package interop
