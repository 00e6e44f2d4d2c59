package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// usageError is a mistake on the command line: exit status 2, so scripts
// can tell "you called me wrong" from "the network let you down".
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error {
	return usageError{fmt.Sprintf(format, args...)}
}

// errHelpShown ends a command that was asked for -h: not a failure.
var errHelpShown = errors.New("help shown")

// flagSet is a command's flags and its help text.
type flagSet struct {
	*flag.FlagSet
	showHelp func()
}

// newFlagSet returns a flag set whose errors come back to us rather than
// exiting, so every bad argument becomes one line and exit status 2.
// help is printed above the flag defaults for -h.
func newFlagSet(e *env, name, help string) *flagSet {
	fs := flag.NewFlagSet("zmq "+name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	// The flag package shows the usage on every parse error; we show it
	// only when asked, and make errors one line.
	fs.Usage = func() {}
	return &flagSet{fs, func() {
		fmt.Fprint(e.stdout, strings.TrimLeft(help, "\n"))
		if hasFlags(fs) {
			fmt.Fprint(e.stdout, "\noptions:\n")
			fs.SetOutput(e.stdout)
			fs.PrintDefaults()
			fs.SetOutput(io.Discard)
		}
	}}
}

func hasFlags(fs *flag.FlagSet) bool {
	n := 0
	fs.VisitAll(func(*flag.Flag) { n++ })
	return n > 0
}

// parseArgs parses flags wherever they appear among the arguments (the
// standard flag package stops at the first positional one, which surprises
// people typing "zmq send hello --connect ..."); everything after "--" is
// positional. It returns the positional arguments.
func parseArgs(fs *flagSet, args []string) ([]string, error) {
	var tail []string
	for i, a := range args {
		if a == "--" {
			args, tail = args[:i], args[i+1:]
			break
		}
	}
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				fs.showHelp()
				return nil, errHelpShown
			}
			return nil, usageError{err.Error()}
		}
		args = fs.Args()
		if len(args) == 0 {
			return append(positional, tail...), nil
		}
		positional = append(positional, args[0])
		args = args[1:]
	}
}

// listFlag is a repeatable string flag (--bind A --bind B).
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

// positiveInt parses a count or size argument, refusing what libzmq's atoi
// would silently turn into 0.
func positiveInt(what, s string, min int) (int, error) {
	n, err := strconv.Atoi(s)
	if err != nil || n < min {
		return 0, usagef("%s must be a whole number >= %d, not %q", what, min, s)
	}
	return n, nil
}

// optionalInt is an int flag that knows whether it was given, so the
// library's default applies otherwise (and -h shows no made-up default).
type optionalInt struct {
	n   int
	set bool
}

func (o *optionalInt) String() string {
	if o == nil || !o.set {
		return ""
	}
	return strconv.Itoa(o.n)
}

func (o *optionalInt) Set(v string) error {
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return fmt.Errorf("want a whole number >= 0")
	}
	o.n, o.set = n, true
	return nil
}

// durationFlag is a duration flag whose parse error says what a duration
// looks like; the flag package's own says only "parse error".
type durationFlag struct{ d *time.Duration }

func (f durationFlag) String() string {
	if f.d == nil {
		return "0s"
	}
	return f.d.String()
}

func (f durationFlag) Set(v string) error {
	d, err := time.ParseDuration(v)
	if err != nil {
		return fmt.Errorf("want a duration such as 500ms, 5s or 1m30s")
	}
	*f.d = d
	return nil
}

// durationVar declares a duration flag, as flag.DurationVar does.
func durationVar(fs *flag.FlagSet, p *time.Duration, name string, value time.Duration, usage string) {
	*p = value
	fs.Var(durationFlag{p}, name, usage)
}
