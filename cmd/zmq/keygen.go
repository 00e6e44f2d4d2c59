package main

import (
	"context"
	"fmt"

	"github.com/purezmq/zmq"
)

func init() {
	commands["keygen"] = command{"make a CURVE key pair", runKeygen}
}

const keygenHelp = `
usage: zmq keygen [--public SECRETKEY]

Prints a new CURVE key pair as Z85, the public key then the secret one,
for --curve-server and --curve-client. With --public it prints the public
key that belongs to a secret key instead.

example:
  zmq keygen > server.keys
  zmq rep --echo --bind tcp://*:5555 --curve-server "$(awk '/secret/ {print $2}' server.keys)" &
  zmq req --connect tcp://127.0.0.1:5555 --curve-client "$(awk '/public/ {print $2}' server.keys)" hello
`

func runKeygen(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "keygen", keygenHelp)
	secret := fs.String("public", "", "print the public key of `SECRETKEY` rather than a new pair")
	args, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(args) > 0 {
		return usagef("unexpected argument %q", args[0])
	}
	if *secret != "" {
		public, err := zmq.CurvePublicKey(*secret)
		if err != nil {
			return usagef("--public: %v", err)
		}
		fmt.Fprintf(e.stdout, "public: %s\n", public)
		return nil
	}
	public, secretKey, err := zmq.NewCurveKeyPair()
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "public: %s\nsecret: %s\n", public, secretKey)
	return nil
}
