package main

import (
	"strings"
	"testing"
	"time"
)

func TestDemo(t *testing.T) {
	r := runZmq(t, 30*time.Second, "demo")
	wantSuccess(t, r)
	wantLines(t, r.stdout,
		`request-reply: client sent "hello", server replied "world"`,
		"pipeline: ventilator pushed 10 tasks to 2 workers (they did ",
		`exclusive pair: step 1 signalled step 2, step 2 signalled step 3`,
		`publish-subscribe: publisher sent 2 weather and 2 sports updates; subscriber filtering on "weather" got "weather london 12C", "weather paris 15C"`,
		"broker: 3 REQ clients -> ROUTER/DEALER proxy -> 2 REP workers; every client got its reply",
		"all 5 patterns worked",
	)
	if !strings.Contains(r.stdout, "sum of squares 385") {
		t.Errorf("pipeline lost a result:\n%s", r.stdout)
	}
	if r.stderr != "" {
		t.Errorf("stderr: %s", r.stderr)
	}
}
