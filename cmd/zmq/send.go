package main

import (
	"context"
	"flag"
	"fmt"
	"time"

	"github.com/purezmq/zmq"
)

func init() {
	commands["send"] = command{"send messages from the arguments or stdin", runSend}
}

const sendHelp = `
usage: zmq send [options] [MESSAGE...]

Opens a socket (PUSH unless --type says otherwise), sends each MESSAGE, or
each line of stdin when there are none, and exits once they are delivered.
A REQ socket waits for each reply and prints it.

examples:
  zmq recv --bind tcp://127.0.0.1:5555 &
  zmq send --connect tcp://127.0.0.1:5555 hello world
  echo 'id|hello' | zmq send --type DEALER --delimiter '|' --connect ipc:///tmp/svc
`

// sendOpts are the flags of the commands that send.
type sendOpts struct {
	format  *msgFormat
	count   int
	timeout time.Duration
	delay   time.Duration
}

func addSendFlags(fs *flag.FlagSet) *sendOpts {
	o := &sendOpts{format: addFormatFlags(fs)}
	fs.IntVar(&o.count, "count", 1, "send the MESSAGE arguments `N` times over")
	durationVar(fs, &o.timeout, "timeout", 0, "fail if a message is not taken (or, for REQ, answered) within `D`, e.g. 5s (default: wait)")
	durationVar(fs, &o.delay, "delay", 0, "wait `D` after connecting before sending, so that subscribers can join a PUB")
	return o
}

func (o *sendOpts) check() error {
	if o.count < 1 {
		return usagef("--count must be at least 1")
	}
	if o.timeout < 0 || o.delay < 0 {
		return usagef("durations must not be negative")
	}
	return o.format.check()
}

func runSend(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "send", sendHelp)
	sf := addSockFlags(fs.FlagSet, "PUSH", false)
	o := addSendFlags(fs.FlagSet)
	args, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	return sendMessages(ctx, e, sf, o, args)
}

// sendMessages is send, and req, which is send on a REQ socket.
func sendMessages(ctx context.Context, e *env, sf *sockFlags, o *sendOpts, args []string) error {
	if err := o.check(); err != nil {
		return err
	}
	typ, _, err := sf.options()
	if err != nil {
		return err
	}
	switch {
	case typ == zmq.REP:
		return usagef("a REP socket answers rather than sends: use zmq rep")
	case !canSend(typ):
		return usagef("a %v socket cannot send", typ)
	}
	linger := time.Duration(-1) // libzmq's: wait until delivered
	if o.timeout > 0 {
		linger = o.timeout
	}
	ep, err := sf.open(e.stderr, linger)
	if err != nil {
		return err
	}
	src := newMessageSource(args, o.count, e.stdin, o.format)
	defer src.close()
	err = sendFrom(ctx, e, ep, o, src)
	if err != nil {
		// Failing anyway: what is still queued is not worth waiting for.
		ep.SetOptions(zmq.WithLinger(0))
	}
	if cerr := ep.close(ctx); err == nil {
		err = cerr
	}
	if ctx.Err() != nil {
		return err
	}
	if err == nil && o.timeout > 0 {
		return ep.peers.verdict(o.timeout)
	}
	return ep.peers.explain(err)
}

// sendFrom sends every message of src; a REQ socket prints each reply.
func sendFrom(ctx context.Context, e *env, ep *endpoint, o *sendOpts, src *messageSource) error {
	if err := sleep(ctx, o.delay); err != nil {
		return err
	}
	for {
		m, ok, err := src.next(ctx)
		if err != nil || !ok {
			return err
		}
		if err := sendTimeout(ctx, ep.Socket, m, o.timeout); err != nil {
			return err
		}
		if ep.Type() != zmq.REQ {
			continue
		}
		reply, err := recvTimeout(ctx, ep.Socket, o.timeout)
		if err != nil {
			return err
		}
		fmt.Fprintln(e.stdout, o.format.encode(reply))
	}
}

func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
