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

A RADIO sends in the --group given. A SERVER or PEER sends to the peer
--routing-id names; without it a PEER sends to the peer it connects to,
and a SERVER waits for a CLIENT to speak, prints what it said after its
routing id, and sends to it. A DGRAM's messages are address, then body:
give them with --delimiter.

examples:
  zmq recv --bind tcp://127.0.0.1:5555 &
  zmq send --connect tcp://127.0.0.1:5555 hello world
  echo 'id|hello' | zmq send --type DEALER --delimiter '|' --connect ipc:///tmp/svc
  zmq recv --type DISH --join weather --bind udp://127.0.0.1:5556 &
  zmq send --type RADIO --group weather --connect udp://127.0.0.1:5556 22C
  zmq send --type SERVER --bind tcp://127.0.0.1:5557 welcome &
  zmq req --type CLIENT --connect tcp://127.0.0.1:5557 hello
`

// sendOpts are the flags of the commands that send.
type sendOpts struct {
	format  *msgFormat
	count   int
	timeout time.Duration
	delay   time.Duration
	// group and routingID address a RADIO's, SERVER's and PEER's
	// messages (zmq send only).
	group     string
	routingID optionalInt
	// awaitReplies: each message is a request whose reply is printed
	// (zmq req); a REQ's always are.
	awaitReplies bool
}

// addAddressFlags declares the flags that say where a draft type's
// messages go.
func (o *sendOpts) addAddressFlags(fs *flag.FlagSet) {
	fs.StringVar(&o.group, "group", "", "RADIO: send in `GROUP` (1 to 255 bytes)")
	fs.Var(&o.routingID, "routing-id", "SERVER/PEER: send to the peer with routing `ID` (default: see above)")
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
	o.addAddressFlags(fs.FlagSet)
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
	case typ == zmq.RADIO && o.group == "":
		return usagef("a RADIO sends in a group: say which with --group GROUP")
	case typ != zmq.RADIO && o.group != "":
		return usagef("--group is for RADIO sockets, not %v", typ)
	case o.routingID.set && typ != zmq.SERVER && typ != zmq.PEER:
		return usagef("--routing-id is for SERVER and PEER sockets, not %v", typ)
	case typ == zmq.PEER && !o.routingID.set && len(sf.connects) == 0:
		return usagef("a PEER sends to the peer it connects to, or to --routing-id ID")
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
	if err == nil && o.timeout > 0 && !sf.udpOnly() {
		return ep.peers.verdict(o.timeout)
	}
	return ep.peers.explain(err)
}

// sendFrom sends every message of src; a REQ socket prints each reply.
func sendFrom(ctx context.Context, e *env, ep *endpoint, o *sendOpts, src *messageSource) error {
	if err := sleep(ctx, o.delay); err != nil {
		return err
	}
	to, err := o.destination(ctx, e, ep)
	if err != nil {
		return err
	}
	for {
		m, ok, err := src.next(ctx)
		if err != nil || !ok {
			return err
		}
		m.Group, m.RoutingID = o.group, to
		if err := sendTimeout(ctx, ep.Socket, m, o.timeout); err != nil {
			return err
		}
		if ep.Type() != zmq.REQ && !o.awaitReplies {
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

// destination is the routing id a SERVER or PEER sends to: --routing-id,
// the peer a PEER connected to, or the first CLIENT to speak to a SERVER,
// whose message is printed after its id.
func (o *sendOpts) destination(ctx context.Context, e *env, ep *endpoint) (uint32, error) {
	switch {
	case o.routingID.set:
		return uint32(o.routingID.n), nil
	case ep.Type() == zmq.PEER:
		return ep.peerID, nil
	case ep.Type() != zmq.SERVER:
		return 0, nil
	}
	first, err := recvTimeout(ctx, ep.Socket, o.timeout)
	if err != nil {
		return 0, err
	}
	fmt.Fprintln(e.stdout, o.format.encode(labelled(first, ep.Type())))
	return first.RoutingID, nil
}
