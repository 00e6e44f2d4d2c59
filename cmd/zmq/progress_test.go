package main

import (
	"bytes"
	"context"
	"os"
	"testing"
)

// Piped or captured output gets no progress line: it stays what libzmq's
// tools print.
func TestProgressOnlyOnTerminals(t *testing.T) {
	var buf bytes.Buffer
	if p := newProgress(&buf, "x", 10); p != nil {
		t.Fatal("progress drawn on a buffer")
	}
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	if p := newProgress(w, "x", 10); p != nil {
		t.Fatal("progress drawn on a pipe")
	}
	var nothing *progress
	nothing.step() // a nil progress is a no-op
	nothing.stop()
	if progressFrom(context.Background()) != nil {
		t.Fatal("progress found in a bare context")
	}
}

func TestProgressDrawsAndClears(t *testing.T) {
	var buf bytes.Buffer
	p := &progress{w: &buf, label: "received", total: 3, quit: make(chan struct{})}
	p.wg.Add(1)
	go p.draw()
	p.step()
	p.stop()
	if !bytes.Contains(buf.Bytes(), []byte("\r\033[K")) {
		t.Fatalf("the line was not cleared: %q", buf.String())
	}
}
