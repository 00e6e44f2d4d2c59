package main

import (
	"context"
	"fmt"
	"time"

	"github.com/purezmq/zmq"
)

func init() {
	commands["monitor"] = command{"open a socket and print what happens to its connections", runMonitor}
}

const monitorHelp = `
usage: zmq monitor [options]

Opens a socket (DEALER unless --type says otherwise), binds and connects it
as told, and prints its connection events, one a line with the time, until
--count events, --timeout, or an interrupt. Messages it receives are not
read. It shows why a peer cannot get through: refused connections, retries,
failed handshakes (wrong CURVE key, PLAIN password), disconnections.

examples:
  zmq monitor --connect tcp://127.0.0.1:5555
  zmq monitor --type REP --bind tcp://*:5555 --curve-server SECRETKEY --count 3
`

func runMonitor(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "monitor", monitorHelp)
	sf := addSockFlags(fs.FlagSet, "DEALER", false)
	count := fs.Int("count", 0, "exit after `N` events (default: never)")
	timeout := new(time.Duration)
	durationVar(fs.FlagSet, timeout, "timeout", 0, "watch for `D`, e.g. 10s, then exit 0 (default: until interrupted)")
	args, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(args) > 0 {
		return usagef("unexpected argument %q", args[0])
	}
	if *count < 0 || *timeout < 0 {
		return usagef("--count and --timeout must not be negative")
	}
	if _, _, err := sf.options(); err != nil {
		return err
	}
	return monitorSocket(ctx, e, sf, *count, *timeout)
}

func monitorSocket(ctx context.Context, e *env, sf *sockFlags, count int, timeout time.Duration) error {
	ep, err := sf.create(0)
	if err != nil {
		return err
	}
	defer ep.close(ctx)
	// Watch before binding and connecting, or the first events are missed.
	events := ep.Monitor(zmq.EventAll)
	if err := sf.setUp(ep, e.stderr); err != nil {
		return err
	}
	ctx, cancel := withTimeout(ctx, timeout)
	defer cancel()
	for n := 0; count == 0 || n < count; n++ {
		select {
		case ev := <-events.C:
			fmt.Fprintf(e.stdout, "%s %v\n", time.Now().Format("15:04:05.000"), ev)
		case <-ctx.Done():
			if timeout > 0 && ctx.Err() == context.DeadlineExceeded {
				return nil
			}
			return ctx.Err()
		}
	}
	return nil
}
