package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/purezmq/zmq"
)

func init() {
	commands["proxy"] = command{"relay between two sockets: broker, forwarder or streamer", runProxy}
}

const proxyHelp = `
usage: zmq proxy [--types FRONT,BACK] [--capture ENDPOINT] FRONT BACK

Relays messages both ways between a frontend and a backend socket, as
zmq_proxy does, until interrupted. FRONT and BACK are endpoints, bound
unless written ">ENDPOINT", which connects (czmq's convention; "@ENDPOINT"
binds). The types make the proxy: ROUTER,DEALER (the default) is a
request-reply broker, XSUB,XPUB a publish-subscribe forwarder, PULL,PUSH a
pipeline streamer. --capture publishes a copy of every message on a PUB
socket, for zmq recv --type SUB to watch.

examples:
  zmq proxy tcp://*:5559 tcp://*:5560
  zmq proxy --types XSUB,XPUB '>tcp://weather:5556' tcp://*:8100
  zmq proxy --capture tcp://127.0.0.1:5570 tcp://*:5559 tcp://*:5560
`

func runProxy(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "proxy", proxyHelp)
	types := fs.String("types", "ROUTER,DEALER", "the socket types of the frontend and backend, `FRONT,BACK`")
	capture := fs.String("capture", "", "publish a copy of every message on a PUB socket at `ENDPOINT`")
	var hwm optionalInt
	fs.Var(&hwm, "hwm", "high-water mark of every socket, in `messages` (default libzmq's 1000)")
	args, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(args) != 2 {
		return usagef("wants FRONT and BACK endpoints")
	}
	sides, err := proxySides(*types, args, *capture, hwm)
	if err != nil {
		return err
	}
	return runSides(ctx, e.stderr, sides)
}

// proxySides checks the types and endpoints: frontend, backend and, if
// asked for, capture.
func proxySides(types string, endpoints []string, capture string, hwm optionalInt) ([]*sockFlags, error) {
	names := strings.Split(types, ",")
	if len(names) != 2 {
		return nil, usagef("--types wants FRONT,BACK, e.g. ROUTER,DEALER")
	}
	if capture != "" {
		names, endpoints = append(names, "PUB"), append(endpoints, capture)
	}
	sides := make([]*sockFlags, len(names))
	for i, n := range names {
		sides[i] = proxySideFlags(n, endpoints[i], hwm)
		if _, _, err := sides[i].options(); err != nil {
			return nil, err
		}
	}
	return sides, nil
}

// proxySideFlags reads czmq's endpoint prefixes: ">" connects, "@" (or
// nothing) binds.
func proxySideFlags(typeName, endpoint string, hwm optionalInt) *sockFlags {
	f := &sockFlags{typeName: strings.TrimSpace(typeName), hwm: hwm}
	switch {
	case strings.HasPrefix(endpoint, ">"):
		f.connects = listFlag{endpoint[1:]}
	default:
		f.binds = listFlag{strings.TrimPrefix(endpoint, "@")}
	}
	return f
}

// runSides opens the sockets and proxies between them until ctx ends.
func runSides(ctx context.Context, log io.Writer, sides []*sockFlags) error {
	eps := make([]*endpoint, 0, len(sides))
	defer func() {
		for _, ep := range eps {
			ep.close(ctx)
		}
	}()
	for _, f := range sides {
		// Nothing queued in a proxy is worth waiting for at exit.
		ep, err := f.open(log, 0)
		if err != nil {
			return err
		}
		eps = append(eps, ep)
	}
	var capture *zmq.Socket
	if len(eps) == 3 {
		capture = eps[2].Socket
	}
	fmt.Fprintf(log, "proxying %v %s <-> %v %s\n", eps[0].Type(), eps[0].LastEndpoint(), eps[1].Type(), eps[1].LastEndpoint())
	err := zmq.ProxySteerable(ctx, eps[0].Socket, eps[1].Socket, capture, nil)
	if errors.Is(err, context.Canceled) {
		return ctx.Err()
	}
	return err
}
