//go:build race

package zmq_test

// raceEnabled: the race detector doubles what goroutine stacks keep in
// reserve and adds shadow memory, so memory bounds allow for it.
const raceEnabled = true
