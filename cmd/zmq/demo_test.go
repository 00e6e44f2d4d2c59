package main

import (
	"testing"
	"time"
)

func TestDemo(t *testing.T) {
	r := runZmq(t, 30*time.Second, "demo")
	wantSuccess(t, r)
	wantLines(t, r.stdout,
		`request-reply: client sent "hello", server replied "world"`,
		"pipeline: ventilator pushed 10 tasks to 2 workers (they did 5 and 5), sink pulled 10 results, sum of squares 385",
		`exclusive pair: step 1 signalled step 2, step 2 signalled step 3`,
		`publish-subscribe: publisher sent 2 weather and 2 sports updates; subscriber filtering on "weather" got "weather london 12C", "weather paris 15C"`,
		"broker: 3 REQ clients -> ROUTER/DEALER proxy -> 2 REP workers; every client got its reply",
		`radio-dish: radio sent 2 weather and 2 sports datagrams over udp; dish that joined "weather" got "weather london 12C", "weather paris 15C"`,
		"all 6 patterns worked",
	)
	if r.stderr != "" {
		t.Errorf("stderr: %s", r.stderr)
	}
}
