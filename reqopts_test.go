package zmq_test

import (
	"testing"

	"github.com/purezmq/zmq"
)

// TestReqRelaxedCorrelate: a relaxed REQ may send again; with correlation
// the reply to the abandoned request is dropped even when it comes later.
func TestReqRelaxedCorrelate(t *testing.T) {
	for _, tr := range transports {
		t.Run(tr.name, func(t *testing.T) {
			router := newSocket(t, zmq.ROUTER)
			req := newSocket(t, zmq.REQ, zmq.WithReqRelaxed(true), zmq.WithReqCorrelate(true))
			connect(t, req, bind(t, router, tr.endpoint(t)))
			send(t, req, "first")
			first := recv(t, router)
			send(t, req, "second")
			second := recv(t, router)
			if len(first) != 4 || len(first[1]) != 4 || first[2] != "" || first[3] != "first" {
				t.Fatalf("request %q: want id, request id, delimiter, body", first)
			}
			if first[1] == second[1] {
				t.Fatal("two requests with the same request id")
			}
			first[3], second[3] = "reply to first", "reply to second"
			send(t, router, first...)
			send(t, router, second...)
			expect(t, req, "reply to second")
		})
	}
}

// TestReqRelaxed: without correlation a relaxed REQ drops what was queued
// when it sends again.
func TestReqRelaxed(t *testing.T) {
	rep := newSocket(t, zmq.REP)
	req := newSocket(t, zmq.REQ, zmq.WithReqRelaxed(true))
	connect(t, req, bind(t, rep, "inproc://"+t.Name()))
	send(t, req, "1")
	expect(t, rep, "1")
	send(t, rep, "stale") // queued at the REQ, never read
	send(t, req, "2")
	expect(t, rep, "2")
	send(t, rep, "fresh")
	expect(t, req, "fresh")
}
