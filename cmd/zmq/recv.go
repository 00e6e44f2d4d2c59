package main

import (
	"context"
	"flag"
	"fmt"
	"time"

	"github.com/purezmq/zmq"
)

func init() {
	commands["recv"] = command{"print the messages a socket receives", runRecv}
}

const recvHelp = `
usage: zmq recv [options]

Opens a socket (PULL unless --type says otherwise) and prints each message
it receives, one a line, until --count messages have come, --timeout passes
without one (exit status 1), or it is interrupted. A REP socket answers
each request with the request itself. A SERVER or PEER prints the sender's
routing id before each message, a DISH the group, as a ROUTER prints the
sender's identity frame; a DGRAM prints the address, then the body.

examples:
  zmq recv --bind tcp://127.0.0.1:5555 --count 1 &
  zmq send --connect tcp://127.0.0.1:5555 hello

  zmq recv --type SUB --connect tcp://127.0.0.1:5556 --subscribe weather --format json
  zmq recv --type DISH --join weather --join news --bind udp://127.0.0.1:5556
  zmq recv --type SERVER --bind tcp://127.0.0.1:5557 --delimiter ' '
`

// recvOpts are the flags of the commands that receive.
type recvOpts struct {
	format  *msgFormat
	count   int
	timeout time.Duration
	// answers: each message is answered (zmq rep); a REP always is.
	answers bool
}

func addRecvFlags(fs *flag.FlagSet) *recvOpts {
	o := &recvOpts{format: addFormatFlags(fs)}
	fs.IntVar(&o.count, "count", 0, "exit after `N` messages (default: never)")
	durationVar(fs, &o.timeout, "timeout", 0, "fail if no message comes for `D`, e.g. 5s (default: wait)")
	return o
}

func (o *recvOpts) check() error {
	if o.count < 0 || o.timeout < 0 {
		return usagef("--count and --timeout must not be negative")
	}
	return o.format.check()
}

// recvLinger bounds the close of a REP: all it may have queued is its
// last reply, which deserves a moment to get out. Other receiving sockets
// close at once: what they have queued is not worth a wait (a SUB's
// subscriptions to a publisher that never came up held it a second).
const recvLinger = time.Second

func runRecv(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "recv", recvHelp)
	sf := addSockFlags(fs.FlagSet, "PULL", false)
	o := addRecvFlags(fs.FlagSet)
	args, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(args) > 0 {
		return usagef("unexpected argument %q (messages are printed, not given)", args[0])
	}
	typ, _, err := sf.options()
	if err != nil {
		return err
	}
	switch {
	case typ == zmq.REQ:
		return usagef("a REQ socket must send first: use zmq req")
	case !canRecv(typ):
		return usagef("a %v socket cannot receive", typ)
	}
	return receive(ctx, e, sf, o, echo)
}

// answer makes the reply to a request, for REP sockets.
type answer func(request zmq.Msg) zmq.Msg

func echo(request zmq.Msg) zmq.Msg { return request }

// receive prints the messages received, replying with answer on a REP.
func receive(ctx context.Context, e *env, sf *sockFlags, o *recvOpts, reply answer) error {
	if err := o.check(); err != nil {
		return err
	}
	linger := time.Duration(0)
	if typ, _ := zmq.ParseType(sf.typeName); typ == zmq.REP || o.answers {
		linger = recvLinger
	}
	ep, err := sf.open(e.stderr, linger)
	if err != nil {
		return err
	}
	err = receiveAll(ctx, e, ep.Socket, o, reply)
	if cerr := ep.close(ctx); err == nil {
		err = cerr
	}
	if ctx.Err() != nil {
		return err
	}
	return ep.peers.explain(err)
}

func receiveAll(ctx context.Context, e *env, s *zmq.Socket, o *recvOpts, reply answer) error {
	p := newProgress(e.stderr, "received", o.count)
	defer p.stop()
	for n := 0; o.count == 0 || n < o.count; n++ {
		m, err := recvTimeout(ctx, s, o.timeout)
		if err != nil {
			return err
		}
		fmt.Fprintln(e.stdout, o.format.encode(labelled(m, s.Type())))
		p.step()
		if s.Type() != zmq.REP && !o.answers {
			continue
		}
		r := reply(m)
		r.RoutingID = m.RoutingID // a SERVER answers the CLIENT that asked
		if err := sendTimeout(ctx, s, r, o.timeout); err != nil {
			return err
		}
	}
	return nil
}
