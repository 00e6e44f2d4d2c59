package main

import (
	"context"
	"flag"

	"github.com/purezmq/zmq"
)

func init() {
	commands["rep"] = command{"answer requests: echo them, or a fixed reply (REP)", runRep}
}

const repHelp = `
usage: zmq rep (--echo | --reply MESSAGE) [options]

Answers requests on a REP socket (or a SERVER, with --type SERVER, which
answers each CLIENT by its routing id), printing each, until --count
requests have been answered, --timeout passes without one (exit status 1),
or it is interrupted.

examples:
  zmq rep --echo --bind tcp://127.0.0.1:5555 &
  zmq req --connect tcp://127.0.0.1:5555 hello

  zmq rep --type SERVER --echo --bind tcp://127.0.0.1:5557 &
  zmq req --type CLIENT --connect tcp://127.0.0.1:5557 hello

  zmq rep --reply world --bind tcp://*:5555 --count 10
`

func runRep(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "rep", repHelp)
	sf := addSockFlags(fs.FlagSet, "REP", true)
	fs.StringVar(&sf.typeName, "type", "REP", "socket `TYPE`: REP, or SERVER to answer CLIENTs")
	o := addRecvFlags(fs.FlagSet)
	echoing := fs.Bool("echo", false, "answer each request with the request itself")
	fixed := fs.String("reply", "", "answer each request with `MESSAGE` (split into frames and decoded as --format says)")
	args, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(args) > 0 {
		return usagef("unexpected argument %q", args[0])
	}
	if t, err := zmq.ParseType(sf.typeName); err != nil || (t != zmq.REP && t != zmq.SERVER) {
		return usagef("zmq rep answers with a REP or a SERVER, not %s", sf.typeName)
	}
	o.answers = true
	reply, err := repAnswer(fs.FlagSet, *echoing, *fixed, o.format)
	if err != nil {
		return err
	}
	return receive(ctx, e, sf, o, reply)
}

// repAnswer picks the answer: exactly one of --echo and --reply.
func repAnswer(fs *flag.FlagSet, echoing bool, fixed string, f *msgFormat) (answer, error) {
	replySet := false
	fs.Visit(func(fl *flag.Flag) { replySet = replySet || fl.Name == "reply" })
	switch {
	case echoing && replySet:
		return nil, usagef("--echo or --reply, not both")
	case echoing:
		return echo, nil
	case !replySet:
		return nil, usagef("say how to answer: --echo or --reply MESSAGE")
	}
	if err := f.check(); err != nil {
		return nil, err
	}
	m, err := f.decode(fixed)
	if err != nil {
		return nil, usagef("--reply: %v", err)
	}
	// The library lets unmodified frames be sent any number of times.
	return func(zmq.Msg) zmq.Msg { return m }, nil
}
