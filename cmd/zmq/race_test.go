//go:build race

package main

// raceEnabled builds the binary under test with the race detector too, so
// the demo's goroutines are checked as well as the test's.
const raceEnabled = true
