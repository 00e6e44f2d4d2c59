package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/purezmq/zmq"
)

// sockFlags are the options every socket-opening command shares: what
// kind of socket, where it binds and connects, and how it is secured.
type sockFlags struct {
	typeName      string
	binds         listFlag
	connects      listFlag
	subscribe     listFlag
	join          listFlag
	hwm           optionalInt
	plainUser     string
	plainPassword string
	plainServer   bool
	curveServer   string
	curveAllow    listFlag
	curveClient   string
	tls           tlsFlags
}

// addSockFlags declares the socket flags on fs. defaultType is the type
// used without --type; fixedType leaves --type out, for commands whose
// type is their name (req, rep).
func addSockFlags(fs *flag.FlagSet, defaultType string, fixedType bool) *sockFlags {
	f := &sockFlags{typeName: defaultType}
	if !fixedType {
		fs.StringVar(&f.typeName, "type", defaultType, "socket `TYPE`: "+typeList+" (the last nine are libzmq's draft types)")
	}
	fs.Var(&f.binds, "bind", "bind to `ENDPOINT` (repeatable), e.g. tcp://*:5555, ipc:///tmp/x, tcp://127.0.0.1:* for any port, ws://*:8080/zmq, wss://... with --tls-cert")
	fs.Var(&f.connects, "connect", "connect to `ENDPOINT` (repeatable)")
	if !fixedType {
		fs.Var(&f.subscribe, "subscribe", "SUB/XSUB: receive messages starting with `TOPIC` (repeatable; default every message)")
		fs.Var(&f.join, "join", "DISH: receive the messages of `GROUP` (repeatable; at least one)")
	}
	fs.Var(&f.hwm, "hwm", "high-water mark, send and receive, in `messages` (0 is none; default libzmq's 1000)")
	fs.StringVar(&f.plainUser, "plain-user", "", "PLAIN `USER`: the login of a client, or the one user a --plain-server lets in")
	fs.StringVar(&f.plainPassword, "plain-password", "", "PLAIN `PASSWORD`, as for --plain-user")
	fs.BoolVar(&f.plainServer, "plain-server", false, "be a PLAIN server, letting in --plain-user with --plain-password")
	fs.StringVar(&f.curveServer, "curve-server", "", "be a CURVE server with this `SECRETKEY` (Z85, see zmq keygen)")
	fs.Var(&f.curveAllow, "curve-allow", "with --curve-server, let in only clients with this public `KEY` (repeatable; default any client)")
	fs.StringVar(&f.curveClient, "curve-client", "", "be a CURVE client: `SERVERKEY[,PUBLIC,SECRET]` is the server's public key and this client's key pair (made up if not given)")
	f.tls.add(fs)
	return f
}

// endpoint is a socket opened from sockFlags, and whatever was started to
// serve it.
type endpoint struct {
	*zmq.Socket
	auth  *zmq.Authenticator
	peers *peerWatch
	// peerID is the routing id of the peer a PEER connected to last.
	peerID uint32
}

// open makes, secures, binds, connects and subscribes the socket. Bound
// wildcard endpoints are reported on log, since nobody could find them
// otherwise. linger is as for zmq.WithLinger.
func (f *sockFlags) open(log io.Writer, linger time.Duration) (*endpoint, error) {
	ep, err := f.create(linger)
	if err != nil {
		return nil, err
	}
	if err := f.setUp(ep, log); err != nil {
		ep.close(context.Background())
		return nil, err
	}
	return ep, nil
}

// create makes the socket, neither bound nor connected yet.
func (f *sockFlags) create(linger time.Duration) (*endpoint, error) {
	typ, opts, err := f.options()
	if err != nil {
		return nil, err
	}
	s, err := zmq.NewSocket(typ, append(opts, zmq.WithLinger(linger))...)
	if err != nil {
		return nil, checkSocketErr(err)
	}
	return &endpoint{Socket: s, peers: watchPeers(s, f.credentialsHint())}, nil
}

// credentialsHint says which flags to check when this socket's handshakes
// fail: a client's credentials are the usual suspect.
func (f *sockFlags) credentialsHint() string {
	switch {
	case f.curveClient != "":
		return "is the server key given to --curve-client the server's public key?"
	case f.plainUser != "" && !f.plainServer:
		return "check --plain-user and --plain-password"
	case f.curveServer != "" || f.plainServer:
		return "check the clients' credentials"
	}
	return ""
}

// options checks the flags and turns them into the socket's type and
// options.
func (f *sockFlags) options() (zmq.Type, []zmq.Option, error) {
	typ, err := zmq.ParseType(f.typeName)
	if err != nil {
		return 0, nil, usagef("unknown socket type %q (want one of %s)", f.typeName, typeList)
	}
	if len(f.binds)+len(f.connects) == 0 {
		return 0, nil, usagef("say where: --bind or --connect ENDPOINT")
	}
	if len(f.subscribe) > 0 && typ != zmq.SUB && typ != zmq.XSUB {
		return 0, nil, usagef("--subscribe is for SUB and XSUB sockets, not %v", typ)
	}
	switch {
	case len(f.join) > 0 && typ != zmq.DISH:
		return 0, nil, usagef("--join is for DISH sockets, not %v", typ)
	case len(f.join) == 0 && typ == zmq.DISH:
		return 0, nil, usagef("a DISH receives only the groups it joins: say which with --join GROUP")
	}
	opts, err := f.security()
	if err != nil {
		return 0, nil, err
	}
	if f.hwm.set {
		opts = append(opts, zmq.WithSendHWM(f.hwm.n), zmq.WithRecvHWM(f.hwm.n))
	}
	tlsOpt, err := f.tls.option(f.binds, f.connects)
	if err != nil {
		return 0, nil, err
	}
	if tlsOpt != nil {
		opts = append(opts, tlsOpt)
	}
	return typ, opts, nil
}

// security picks the mechanism; more than one is a contradiction.
func (f *sockFlags) security() ([]zmq.Option, error) {
	var opts []zmq.Option
	var chosen []string
	if f.plainServer {
		if f.plainUser == "" {
			return nil, usagef("--plain-server needs --plain-user and --plain-password: whom to let in")
		}
		opts, chosen = append(opts, zmq.WithPlainServer()), append(chosen, "--plain-server")
	} else if f.plainUser != "" || f.plainPassword != "" {
		opts, chosen = append(opts, zmq.WithPlainClient(f.plainUser, f.plainPassword)), append(chosen, "--plain-user")
	}
	if f.curveServer != "" {
		opts, chosen = append(opts, zmq.WithCurveServer(f.curveServer)), append(chosen, "--curve-server")
	} else if len(f.curveAllow) > 0 {
		return nil, usagef("--curve-allow is for a --curve-server")
	}
	for _, k := range f.curveAllow {
		if !isKey(k) {
			return nil, usagef("--curve-allow: a public key is 40 characters of Z85, not %q", k)
		}
	}
	if f.curveClient != "" {
		o, err := curveClient(f.curveClient)
		if err != nil {
			return nil, err
		}
		opts, chosen = append(opts, o), append(chosen, "--curve-client")
	}
	if len(chosen) > 1 {
		return nil, usagef("choose one security mechanism, not %s", strings.Join(chosen, " and "))
	}
	return opts, nil
}

// curveClient parses SERVERKEY[,PUBLIC,SECRET]; without a key pair of its
// own the client makes one up, which a server that lets any client in
// (no authenticator, as libzmq) accepts.
func curveClient(arg string) (zmq.Option, error) {
	keys := strings.Split(arg, ",")
	switch len(keys) {
	case 1:
		public, secret, err := zmq.NewCurveKeyPair()
		if err != nil {
			return nil, err
		}
		keys = append(keys, public, secret)
	case 3:
	default:
		return nil, usagef("--curve-client wants SERVERKEY or SERVERKEY,PUBLIC,SECRET")
	}
	for i, what := range []string{"server", "public", "secret"} {
		if !isKey(keys[i]) {
			return nil, usagef("--curve-client: the %s key must be 40 characters of Z85", what)
		}
	}
	return zmq.WithCurveClient(keys[0], keys[1], keys[2]), nil
}

// isKey tells whether s is a CURVE key as Z85 text.
func isKey(s string) bool {
	_, err := zmq.Z85Decode(s)
	return err == nil && len(s) == 40
}

// setUp starts the authenticator a server may need, binds, connects and
// subscribes.
func (f *sockFlags) setUp(ep *endpoint, log io.Writer) error {
	if err := f.authenticate(ep); err != nil {
		return err
	}
	for _, b := range f.binds {
		if err := ep.Bind(b); err != nil {
			return nameEndpoint("bind", b, checkSocketErr(err))
		}
		if strings.Contains(b, "*") {
			fmt.Fprintf(log, "bound %s\n", ep.LastEndpoint())
		}
	}
	for _, g := range f.join {
		if err := ep.Join(g); err != nil {
			return fmt.Errorf("--join %q: %w", g, err)
		}
	}
	for _, c := range f.connects {
		if err := f.connect(ep, c); err != nil {
			return nameEndpoint("connect", c, checkSocketErr(err))
		}
	}
	return f.subscribeAll(ep)
}

// connect connects; a PEER remembers the routing id of the peer it
// connects to, to send there.
func (f *sockFlags) connect(ep *endpoint, c string) error {
	if ep.Type() != zmq.PEER {
		return ep.Connect(c)
	}
	id, err := ep.ConnectPeer(c)
	ep.peerID = id
	return err
}

// nameEndpoint makes sure err says which endpoint failed, once: the
// library's errors mostly name it already.
func nameEndpoint(op, endpoint string, err error) error {
	if strings.Contains(err.Error(), endpoint) {
		return err
	}
	return fmt.Errorf("%s %s: %w", op, endpoint, err)
}

// authenticate starts the authenticator (ZAP handler) that decides whom a
// PLAIN server, or a CURVE server with --curve-allow, lets in.
func (f *sockFlags) authenticate(ep *endpoint) error {
	if !f.plainServer && len(f.curveAllow) == 0 {
		return nil
	}
	auth, err := zmq.NewAuthenticator(nil)
	if err != nil {
		return err
	}
	ep.auth = auth
	if f.plainServer {
		auth.AllowPlain(map[string]string{f.plainUser: f.plainPassword})
	}
	if len(f.curveAllow) > 0 {
		return auth.AllowCurve(f.curveAllow...)
	}
	return nil
}

// subscribeAll subscribes a SUB or XSUB to the topics asked for, or to
// everything: a subscriber that hears nothing is never what was meant.
func (f *sockFlags) subscribeAll(ep *endpoint) error {
	if t := ep.Type(); t != zmq.SUB && t != zmq.XSUB {
		return nil
	}
	topics := f.subscribe
	if len(topics) == 0 {
		topics = listFlag{""}
	}
	for _, t := range topics {
		if err := ep.Subscribe(t); err != nil {
			return err
		}
	}
	return nil
}

// close closes the socket, then what served it. An interrupt cuts a
// lingering close short: the user has given up on the queued messages.
func (ep *endpoint) close(ctx context.Context) error {
	closed := goErr(ep.Socket.Close)
	var err error
	select {
	case err = <-closed:
	case <-ctx.Done():
		err = ctx.Err()
	}
	if ep.auth != nil {
		ep.auth.Close()
	}
	return err
}

// typeList names the socket types the commands take.
const typeList = "PAIR, PUB, SUB, REQ, REP, DEALER, ROUTER, PULL, PUSH, XPUB, XSUB, " +
	"SERVER, CLIENT, RADIO, DISH, GATHER, SCATTER, DGRAM, PEER, CHANNEL"

// canSend and canRecv say which way a socket type carries messages.
func canSend(t zmq.Type) bool {
	return t != zmq.SUB && t != zmq.PULL && t != zmq.DISH && t != zmq.GATHER
}

func canRecv(t zmq.Type) bool {
	return t != zmq.PUB && t != zmq.PUSH && t != zmq.RADIO && t != zmq.SCATTER
}

// udpOnly tells a socket all of whose endpoints are udp: no handshake ever
// tells whether a peer is there.
func (f *sockFlags) udpOnly() bool {
	for _, e := range append(append([]string(nil), f.binds...), f.connects...) {
		if !strings.HasPrefix(e, "udp://") {
			return false
		}
	}
	return true
}
