package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/purezmq/zmq"
)

// messageSource yields the messages to send: the arguments count times
// over, or else the lines of stdin.
type messageSource struct {
	args    []string
	count   int
	scanner *bufio.Scanner
	format  *msgFormat
	i       int
}

func newMessageSource(args []string, count int, stdin io.Reader, f *msgFormat) *messageSource {
	src := &messageSource{args: args, count: count, format: f}
	if len(args) == 0 {
		src.scanner = bufio.NewScanner(stdin)
		// Lines as long as a message may reasonably be, not bufio's 64 KiB.
		src.scanner.Buffer(make([]byte, 64*1024), 64*1024*1024)
	}
	return src
}

// next returns the next message, or ok false when there are no more.
func (src *messageSource) next() (m zmq.Msg, ok bool, err error) {
	var line string
	if src.scanner != nil {
		if !src.scanner.Scan() {
			return zmq.Msg{}, false, src.scanner.Err()
		}
		line = src.scanner.Text()
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
		return fmt.Errorf("%s within %v", what, timeout)
	}
	return err
}
