// Package examples holds one small program per messaging pattern, each
// running both sides of its conversation and exiting 0. This test runs them
// as a reader would, with go run.
package examples

import (
	"context"
	"os/exec"
	"regexp"
	"testing"
	"time"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

var examples = []struct {
	dir  string
	want []string // regular expressions, each to match some line
}{
	{"hello", []string{`^server: received "Hello"$`, `^client: request 3 got "World"$`}},
	{"weather", []string{`^subscriber: 20 updates, all for zip code 10001; average temperature -?\d+F$`}},
	{"pipeline", []string{`^sink: 30 tasks of 10ms done by 3 workers in \d+ms \(one worker would take 300ms\)$`}},
	{"broker", []string{`^client 1: worker [12] answered "request from client 1"$`, `^broker: 4 clients served by 2 workers$`}},
	{"relay", []string{`^step 1: ready`, `^step 2: got "ready from step 1"`, `^step 3: got "ready from step 2"`}},
	{"curve", []string{`^server: "Hello" from the client with key .{40} \(known: true\)$`, `^client: "World", encrypted all the way$`}},
}

func TestExamples(t *testing.T) {
	for _, ex := range examples {
		t.Run(ex.dir, func(t *testing.T) {
			t.Parallel()
			// The examples bound their own waits; this one is for a build
			// or a bug that hangs regardless.
			ctx, cancel := context.WithTimeout(context.Background(), 45*time.Second)
			defer cancel()
			out, err := exec.CommandContext(ctx, "go", "run", "./"+ex.dir).CombinedOutput()
			if err != nil {
				t.Fatalf("go run ./%s: %v\n%s", ex.dir, err, out)
			}
			for _, w := range ex.want {
				if !regexp.MustCompile("(?m)" + w).Match(out) {
					t.Errorf("no line matches %s in:\n%s", w, out)
				}
			}
		})
	}
}
