package main

import "context"

func init() {
	commands["req"] = command{"send requests and print the replies (REQ)", runReq}
}

const reqHelp = `
usage: zmq req [options] [REQUEST...]

Sends each REQUEST, or each line of stdin when there are none, on a REQ
socket and prints each reply as it comes.

examples:
  zmq rep --echo --bind tcp://127.0.0.1:5555 &
  zmq req --connect tcp://127.0.0.1:5555 --timeout 5s hello world
`

func runReq(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "req", reqHelp)
	sf := addSockFlags(fs.FlagSet, "REQ", true)
	o := addSendFlags(fs.FlagSet)
	args, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	return sendMessages(ctx, e, sf, o, args)
}
