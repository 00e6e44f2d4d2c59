// Command zmq is a ZeroMQ toolbox built on purezmq: a tour of the messaging
// patterns (zmq demo), libzmq's perf tools (zmq perf), and small commands
// for poking at sockets from a shell (send, recv, req, rep, keygen, ...).
//
//	go run ./cmd/zmq demo
//	go install github.com/purezmq/zmq/cmd/zmq@latest
//
// Exit status: 0 on success, 1 when the work failed (a peer never answered,
// a timeout ran out), 2 when the command line was wrong.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"
)

// command is one subcommand. run gets the arguments after its name.
type command struct {
	summary string
	run     func(ctx context.Context, env *env, args []string) error
}

// commands is filled by each subcommand's file, so adding one touches only
// that file.
var commands = map[string]command{}

// env is what a subcommand may touch of the outside world; passing it in
// keeps the subcommands testable without a process.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
}

func main() {
	ctx, cancel := context.WithCancel(context.Background())
	signals := make(chan os.Signal, 2)
	signal.Notify(signals, os.Interrupt, syscall.SIGTERM)
	go interrupt(signals, cancel)
	os.Exit(run(ctx, &env{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr}, os.Args[1:]))
}

// interrupt ends the command at the first SIGINT or SIGTERM: every wait
// is bound to ctx, so the command stops at once and exits 130. Should
// anything still hold it up, a second signal exits on the spot.
func interrupt(signals <-chan os.Signal, cancel context.CancelFunc) {
	<-signals
	cancel()
	<-signals
	os.Exit(130)
}

// run runs the subcommand named by args[0] and returns the exit status.
func run(ctx context.Context, e *env, args []string) int {
	if len(args) > 1 && args[0] == "help" {
		return run(ctx, e, []string{args[1], "-h"})
	}
	if len(args) == 0 {
		printUsage(e.stderr)
		return 2
	}
	if isHelp(args[0]) {
		printUsage(e.stdout)
		return 0
	}
	name := args[0]
	cmd, ok := commands[name]
	if !ok {
		fmt.Fprintf(e.stderr, "zmq: unknown command %q (try 'zmq help')\n", name)
		return 2
	}
	return exitCode(ctx, e, name, cmd.run(ctx, e, args[1:]))
}

// exitCode reports err in one line and maps it to the exit status.
func exitCode(ctx context.Context, e *env, name string, err error) int {
	var ue usageError
	switch {
	case err == nil, errors.Is(err, errHelpShown):
		return 0
	case errors.As(err, &ue):
		fmt.Fprintf(e.stderr, "zmq %s: %s\n", name, strings.TrimPrefix(err.Error(), "zmq: "))
		return 2
	case ctx.Err() != nil:
		// Interrupted: the user knows why, so say nothing more.
		return 130
	default:
		// The library's errors start "zmq: ", which the command's name
		// already says.
		fmt.Fprintf(e.stderr, "zmq %s: %s\n", name, strings.TrimPrefix(err.Error(), "zmq: "))
		return 1
	}
}

func isHelp(arg string) bool {
	switch arg {
	case "help", "-h", "-help", "--help":
		return true
	}
	return false
}

func printUsage(w io.Writer) {
	fmt.Fprint(w, "usage: zmq COMMAND [options] [arguments]\n\ncommands:\n")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-8s %s\n", n, commands[n].summary)
	}
	fmt.Fprint(w, "\n'zmq help COMMAND' or 'zmq COMMAND -h' describes a command.\n")
}
