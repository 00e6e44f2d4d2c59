package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"sync"
	"time"

	"github.com/purezmq/zmq"
)

// messageSource yields the messages to send: the arguments count times
// over, or else the lines of stdin.
type messageSource struct {
	args   []string
	count  int
	stdin  *lineReader
	format *msgFormat
	i      int
}

func newMessageSource(args []string, count int, stdin io.Reader, f *msgFormat) *messageSource {
	src := &messageSource{args: args, count: count, format: f}
	if len(args) == 0 {
		src.stdin = readLines(stdin)
	}
	return src
}

// next returns the next message, or ok false when there are no more. It
// gives up when ctx is done, even in the middle of waiting for a line.
func (src *messageSource) next(ctx context.Context) (m zmq.Msg, ok bool, err error) {
	var line string
	if src.stdin != nil {
		if line, ok, err = src.stdin.next(ctx); !ok {
			return zmq.Msg{}, false, err
		}
	} else {
		if src.i >= len(src.args)*src.count {
			return zmq.Msg{}, false, nil
		}
		line = src.args[src.i%len(src.args)]
		src.i++
	}
	m, err = src.format.decode(line)
	if err != nil {
		return zmq.Msg{}, false, usageError{err.Error()}
	}
	return m, true, nil
}

// close lets the goroutine reading stdin go.
func (src *messageSource) close() {
	if src.stdin != nil {
		src.stdin.close()
	}
}

// lineReader reads lines in a goroutine of its own, so that whoever waits
// for the next line can give up: a read from a terminal or a pipe cannot be
// interrupted, and a signal must not wait for the user to type a line.
type lineReader struct {
	lines chan string
	err   error // set before lines is closed
	stop  chan struct{}
	once  sync.Once
}

func readLines(r io.Reader) *lineReader {
	lr := &lineReader{lines: make(chan string), stop: make(chan struct{})}
	go func() {
		defer close(lr.lines)
		sc := bufio.NewScanner(r)
		// Lines as long as a message may reasonably be, not bufio's 64 KiB.
		sc.Buffer(make([]byte, 64*1024), 64*1024*1024)
		for sc.Scan() {
			select {
			case lr.lines <- sc.Text():
			case <-lr.stop:
				return
			}
		}
		lr.err = sc.Err()
	}()
	return lr
}

func (lr *lineReader) next(ctx context.Context) (string, bool, error) {
	select {
	case line, ok := <-lr.lines:
		if !ok {
			return "", false, lr.err
		}
		return line, true, nil
	case <-ctx.Done():
		return "", false, ctx.Err()
	}
}

func (lr *lineReader) close() { lr.once.Do(func() { close(lr.stop) }) }

// recvTimeout receives one message, waiting at most timeout (0: forever).
func recvTimeout(ctx context.Context, s *zmq.Socket, timeout time.Duration) (zmq.Msg, error) {
	ctx, cancel := withTimeout(ctx, timeout)
	defer cancel()
	m, err := s.Recv(ctx)
	return m, explainTimeout(ctx, err, "no message came", timeout)
}

// sendTimeout sends one message, waiting at most timeout (0: forever).
func sendTimeout(ctx context.Context, s *zmq.Socket, m zmq.Msg, timeout time.Duration) error {
	ctx, cancel := withTimeout(ctx, timeout)
	defer cancel()
	return explainTimeout(ctx, s.Send(ctx, m), "could not send (no peer ready)", timeout)
}

func withTimeout(ctx context.Context, timeout time.Duration) (context.Context, context.CancelFunc) {
	if timeout > 0 {
		return context.WithTimeout(ctx, timeout)
	}
	return context.WithCancel(ctx)
}

// explainTimeout says what a deadline meant in this command's terms.
func explainTimeout(ctx context.Context, err error, what string, timeout time.Duration) error {
	if err != nil && errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return &timeoutError{what: what, timeout: timeout}
	}
	return err
}

// timeoutError is a wait that ran out: "no message came within 2s".
type timeoutError struct {
	what    string
	timeout time.Duration
}

func (e *timeoutError) Error() string { return fmt.Sprintf("%s within %v", e.what, e.timeout) }

// labelled puts in front of a draft type's message what travels beside it:
// a SERVER's or PEER's routing id (in decimal), a DISH's group.
func labelled(m zmq.Msg, t zmq.Type) zmq.Msg {
	var label string
	switch t {
	case zmq.SERVER, zmq.PEER:
		label = strconv.FormatUint(uint64(m.RoutingID), 10)
	case zmq.DISH:
		label = m.Group
	default:
		return m
	}
	return zmq.Msg{Frames: append([][]byte{[]byte(label)}, m.Frames...)}
}
