package main

import (
	"context"

	"github.com/purezmq/zmq"
)

func init() {
	commands["req"] = command{"send requests and print the replies (REQ)", runReq}
}

const reqHelp = `
usage: zmq req [options] [REQUEST...]

Sends each REQUEST, or each line of stdin when there are none, on a REQ
socket (or a CLIENT, with --type CLIENT) and prints each reply as it comes.

examples:
  zmq rep --echo --bind tcp://127.0.0.1:5555 &
  zmq req --connect tcp://127.0.0.1:5555 --timeout 5s hello world

  zmq rep --type SERVER --echo --bind tcp://127.0.0.1:5557 &
  zmq req --type CLIENT --connect tcp://127.0.0.1:5557 hello
`

func runReq(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "req", reqHelp)
	sf := addSockFlags(fs.FlagSet, "REQ", true)
	fs.StringVar(&sf.typeName, "type", "REQ", "socket `TYPE`: REQ, or CLIENT to ask a SERVER")
	o := addSendFlags(fs.FlagSet)
	args, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if t, err := zmq.ParseType(sf.typeName); err != nil || (t != zmq.REQ && t != zmq.CLIENT) {
		return usagef("zmq req asks with a REQ or a CLIENT, not %s", sf.typeName)
	}
	o.awaitReplies = true
	return sendMessages(ctx, e, sf, o, args)
}
