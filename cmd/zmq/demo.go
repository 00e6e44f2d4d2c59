package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/purezmq/zmq"
)

func init() {
	commands["demo"] = command{"a tour of the messaging patterns, over localhost", runDemo}
}

const demoHelp = `
usage: zmq demo

Runs each messaging pattern in turn over tcp on localhost (inproc for the
exclusive pair, udp for group messaging), all sides in this one process,
and says what happened: request-reply, pipeline, exclusive pair,
publish-subscribe, a request-reply broker, and RADIO/DISH group messaging
(libzmq's draft types). It exits 0 when every pattern worked.

example:
  go run ./cmd/zmq demo
`

// demoStepTimeout bounds each pattern, so a broken library makes the demo
// fail in seconds rather than hang.
const demoStepTimeout = 5 * time.Second

// demoLinger bounds Close: every demo conversation is complete before its
// sockets close, so nothing worth waiting for is ever queued.
const demoLinger = time.Second

// localTCP binds an ephemeral port, so the demo never collides with
// anything else on the machine.
const localTCP = "tcp://127.0.0.1:*"

type demoStep struct {
	name string
	run  func(ctx context.Context) (string, error)
}

var demoSteps = []demoStep{
	{"request-reply", demoReqRep},
	{"pipeline", demoPipeline},
	{"exclusive pair", demoPair},
	{"publish-subscribe", demoPubSub},
	{"broker", demoBroker},
	{"radio-dish", demoRadioDish},
}

func runDemo(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "demo", demoHelp)
	args, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(args) > 0 {
		return usagef("takes no arguments")
	}
	for _, step := range demoSteps {
		if err := runDemoStep(ctx, e.stdout, step); err != nil {
			return err
		}
	}
	fmt.Fprintf(e.stdout, "all %d patterns worked; every socket is closed\n", len(demoSteps))
	return nil
}

func runDemoStep(ctx context.Context, w io.Writer, step demoStep) error {
	ctx, cancel := context.WithTimeout(ctx, demoStepTimeout)
	defer cancel()
	account, err := step.run(ctx)
	if errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("%s: no answer within %v", step.name, demoStepTimeout)
	}
	if err != nil {
		return fmt.Errorf("%s: %w", step.name, err)
	}
	fmt.Fprintf(w, "%s: %s\n", step.name, account)
	return nil
}

// sockets makes sockets and closes them all at the end of a step, whatever
// happened in between.
type sockets struct {
	zctx *zmq.Context // nil for the default context
	all  []*zmq.Socket
}

func (ss *sockets) open(t zmq.Type, opts ...zmq.Option) (*zmq.Socket, error) {
	opts = append([]zmq.Option{zmq.WithLinger(demoLinger)}, opts...)
	var s *zmq.Socket
	var err error
	if ss.zctx != nil {
		s, err = ss.zctx.NewSocket(t, opts...)
	} else {
		s, err = zmq.NewSocket(t, opts...)
	}
	if err != nil {
		return nil, err
	}
	ss.all = append(ss.all, s)
	return s, nil
}

// bind opens a socket bound to endpoint.
func (ss *sockets) bind(t zmq.Type, endpoint string) (*zmq.Socket, error) {
	s, err := ss.open(t)
	if err != nil {
		return nil, err
	}
	return s, s.Bind(endpoint)
}

// connect opens a socket connected to endpoint.
func (ss *sockets) connect(t zmq.Type, endpoint string) (*zmq.Socket, error) {
	s, err := ss.open(t)
	if err != nil {
		return nil, err
	}
	return s, s.Connect(endpoint)
}

func (ss *sockets) closeAll() {
	for _, s := range ss.all {
		s.Close()
	}
	ss.all = nil
}

// demoReqRep is the hello-world of ZeroMQ: REQ asks, REP answers.
func demoReqRep(ctx context.Context) (string, error) {
	var ss sockets
	defer ss.closeAll()
	server, err := ss.bind(zmq.REP, localTCP)
	if err != nil {
		return "", err
	}
	client, err := ss.connect(zmq.REQ, server.LastEndpoint())
	if err != nil {
		return "", err
	}
	served := goErr(func() error { return answerOnce(ctx, server, "world") })
	reply, err := request(ctx, client, "hello")
	if err != nil {
		return "", err
	}
	if err := <-served; err != nil {
		return "", err
	}
	return fmt.Sprintf("client sent %q, server replied %q", "hello", reply), nil
}

func answerOnce(ctx context.Context, s *zmq.Socket, answer string) error {
	if _, err := s.Recv(ctx); err != nil {
		return err
	}
	return s.Send(ctx, zmq.NewMsgString(answer))
}

// request sends one request and waits for its reply.
func request(ctx context.Context, s *zmq.Socket, text string) (string, error) {
	if err := s.Send(ctx, zmq.NewMsgString(text)); err != nil {
		return "", err
	}
	m, err := s.Recv(ctx)
	if err != nil {
		return "", err
	}
	return m.String(), nil
}

const (
	pipelineWorkers = 2
	pipelineTasks   = 10
)

// demoPipeline is divide and conquer: a ventilator PUSHes tasks, workers
// PULL them and PUSH results, a sink PULLs the results together.
func demoPipeline(ctx context.Context) (string, error) {
	var ss sockets
	defer ss.closeAll()
	vent, err := ss.open(zmq.PUSH)
	if err != nil {
		return "", err
	}
	sink, err := ss.bind(zmq.PULL, localTCP)
	if err != nil {
		return "", err
	}
	workCtx, stopWorkers := context.WithCancel(ctx)
	var wg sync.WaitGroup
	defer func() { stopWorkers(); wg.Wait() }()
	done := make([]int, pipelineWorkers)
	endpoints := make(chan string)
	for i := range pipelineWorkers {
		wg.Go(func() { done[i], _ = pipelineWorker(workCtx, endpoints, sink.LastEndpoint()) })
	}
	if err := connectWorkers(ctx, vent, endpoints); err != nil {
		return "", err
	}
	sum, err := ventilateAndSink(ctx, vent, sink)
	stopWorkers()
	wg.Wait()
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("ventilator pushed %d tasks to %d workers (they did %s), sink pulled %d results, sum of squares %d",
		pipelineTasks, pipelineWorkers, joinInts(done, " and "), pipelineTasks, sum), nil
}

// connectWorkers connects the ventilator to each worker. A connecting
// PUSH has a queue for each endpoint from the moment it connects, so tasks
// are dealt evenly however fast the workers come up; a binding PUSH deals
// only among the peers connected so far, and the first worker to arrive
// would take every task sent before the others.
func connectWorkers(ctx context.Context, vent *zmq.Socket, endpoints <-chan string) error {
	for range pipelineWorkers {
		select {
		case ep := <-endpoints:
			if err := vent.Connect(ep); err != nil {
				return err
			}
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return nil
}

// ventilateAndSink hands out the tasks (the numbers 1 to pipelineTasks)
// and adds up the results.
func ventilateAndSink(ctx context.Context, vent, sink *zmq.Socket) (int, error) {
	for n := 1; n <= pipelineTasks; n++ {
		if err := vent.Send(ctx, zmq.NewMsgString(strconv.Itoa(n))); err != nil {
			return 0, err
		}
	}
	results, err := recvInts(ctx, sink, pipelineTasks)
	sum := 0
	for _, r := range results {
		sum += r
	}
	return sum, err
}

// recvInts receives n messages, each a number.
func recvInts(ctx context.Context, s *zmq.Socket, n int) ([]int, error) {
	out := make([]int, 0, n)
	for range n {
		m, err := s.Recv(ctx)
		if err != nil {
			return out, err
		}
		v, err := strconv.Atoi(m.String())
		if err != nil {
			return out, fmt.Errorf("not a number: %q", m.String())
		}
		out = append(out, v)
	}
	return out, nil
}

// pipelineWorker binds, says where, then squares numbers until ctx ends,
// and returns how many it did. It owns its sockets: a socket is for one
// goroutine at a time.
func pipelineWorker(ctx context.Context, endpoints chan<- string, sinkEP string) (int, error) {
	var ss sockets
	defer ss.closeAll()
	tasks, err := ss.bind(zmq.PULL, localTCP)
	if err != nil {
		return 0, err
	}
	select {
	case endpoints <- tasks.LastEndpoint():
	case <-ctx.Done():
		return 0, ctx.Err()
	}
	results, err := ss.connect(zmq.PUSH, sinkEP)
	if err != nil {
		return 0, err
	}
	for done := 0; ; done++ {
		m, err := tasks.Recv(ctx)
		if err != nil {
			return done, err
		}
		n, _ := strconv.Atoi(m.String())
		if err := results.Send(ctx, zmq.NewMsgString(strconv.Itoa(n*n))); err != nil {
			return done, err
		}
	}
}

func joinInts(vs []int, sep string) string {
	s := make([]string, len(vs))
	for i, v := range vs {
		s[i] = strconv.Itoa(v)
	}
	return strings.Join(s, sep)
}

// demoPair is the multithreaded relay: each step of a chain of goroutines
// signals the next over an exclusive PAIR connection on inproc.
func demoPair(ctx context.Context) (string, error) {
	// A context of its own keeps the inproc names private to this demo.
	zctx := zmq.NewContext()
	defer zctx.Close()
	ss := sockets{zctx: zctx}
	defer ss.closeAll()
	step3, err := ss.bind(zmq.PAIR, "inproc://step3")
	if err != nil {
		return "", err
	}
	relayed := goErr(func() error { return relayStep2(ctx, zctx) })
	m, err := step3.Recv(ctx)
	if err != nil {
		return "", err
	}
	if err := <-relayed; err != nil {
		return "", err
	}
	return fmt.Sprintf("step 1 signalled step 2, step 2 signalled step 3 (%q), over inproc", m.String()), nil
}

// relayStep2 waits for step 1, then tells step 3.
func relayStep2(ctx context.Context, zctx *zmq.Context) error {
	ss := sockets{zctx: zctx}
	defer ss.closeAll()
	// Bind before step 1 starts, so its connect finds us.
	fromStep1, err := ss.bind(zmq.PAIR, "inproc://step2")
	if err != nil {
		return err
	}
	signalled := goErr(func() error { return signalPeer(ctx, zctx, "inproc://step2", "ready") })
	if _, err := fromStep1.Recv(ctx); err != nil {
		return err
	}
	if err := <-signalled; err != nil {
		return err
	}
	return signalPeer(ctx, zctx, "inproc://step3", "ready")
}

// signalPeer connects a PAIR to endpoint and sends text.
func signalPeer(ctx context.Context, zctx *zmq.Context, endpoint, text string) error {
	ss := sockets{zctx: zctx}
	defer ss.closeAll()
	s, err := ss.connect(zmq.PAIR, endpoint)
	if err != nil {
		return err
	}
	return s.Send(ctx, zmq.NewMsgString(text))
}

// The updates the publisher sends once the subscriber is listening; the
// subscriber filters on "weather", so the sports ones never reach it.
var updates = []string{"sports football 3-1", "weather london 12C", "sports chess draw", "weather paris 15C"}

// demoPubSub publishes two topics; the subscriber gets only the one it
// subscribed to, filtered by the publisher.
func demoPubSub(ctx context.Context) (string, error) {
	var ss sockets
	defer ss.closeAll()
	pub, err := ss.bind(zmq.PUB, localTCP)
	if err != nil {
		return "", err
	}
	sub, err := ss.connect(zmq.SUB, pub.LastEndpoint())
	if err != nil {
		return "", err
	}
	if err := sub.Subscribe("weather"); err != nil {
		return "", err
	}
	listening := make(chan struct{})
	published := goErr(func() error { return publish(ctx, pub, listening) })
	got, err := subscribe(ctx, sub, listening)
	if err != nil {
		return "", err
	}
	if err := <-published; err != nil {
		return "", err
	}
	return fmt.Sprintf("publisher sent 2 weather and 2 sports updates; subscriber filtering on \"weather\" got %s",
		quoteAll(got)), nil
}

// publish sends probes until the subscriber hears one, then the updates.
// PUB drops messages for subscriptions it has not heard of yet (the "slow
// joiner"), so without the probes the first updates would be lost.
func publish(ctx context.Context, pub *zmq.Socket, listening <-chan struct{}) error {
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for {
		if err := pub.Send(ctx, zmq.NewMsgString("weather probe")); err != nil {
			return err
		}
		select {
		case <-listening:
			return sendAll(ctx, pub, slices.Concat(updates, []string{"weather end"}))
		case <-tick.C:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

func sendAll(ctx context.Context, s *zmq.Socket, texts []string) error {
	for _, t := range texts {
		if err := s.Send(ctx, zmq.NewMsgString(t)); err != nil {
			return err
		}
	}
	return nil
}

// subscribe receives until "weather end", skipping probes, and returns the
// updates received.
func subscribe(ctx context.Context, sub *zmq.Socket, listening chan<- struct{}) ([]string, error) {
	var got []string
	heard := false
	for {
		m, err := sub.Recv(ctx)
		if err != nil {
			return nil, err
		}
		switch text := m.String(); {
		case !heard:
			heard = true
			close(listening)
		case text == "weather end":
			return got, nil
		case text != "weather probe":
			got = append(got, text)
		}
	}
}

func quoteAll(texts []string) string {
	q := make([]string, len(texts))
	for i, t := range texts {
		q[i] = strconv.Quote(t)
	}
	return strings.Join(q, ", ")
}

const (
	brokerClients = 3
	brokerWorkers = 2
)

// demoBroker is the request-reply broker: REQ clients talk to a ROUTER,
// REP workers to a DEALER, and a proxy shuttles between the two, so
// clients and workers never need to know of each other.
func demoBroker(ctx context.Context) (string, error) {
	var ss sockets
	defer ss.closeAll()
	front, err := ss.bind(zmq.ROUTER, localTCP)
	if err != nil {
		return "", err
	}
	back, err := ss.bind(zmq.DEALER, localTCP)
	if err != nil {
		return "", err
	}
	proxyCtx, stopProxy := context.WithCancel(ctx)
	proxied := goErr(func() error { return zmq.ProxySteerable(proxyCtx, front, back, nil, nil) })
	var wg sync.WaitGroup
	for i := range brokerWorkers {
		wg.Go(func() { brokerWorker(proxyCtx, i+1, back.LastEndpoint()) })
	}
	replies, err := brokerRequests(ctx, front.LastEndpoint())
	stopProxy()
	wg.Wait()
	if perr := <-proxied; err == nil && !errors.Is(perr, context.Canceled) {
		err = perr
	}
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%d REQ clients -> ROUTER/DEALER proxy -> %d REP workers; every client got its reply, e.g. %s",
		brokerClients, brokerWorkers, replies[0]), nil
}

// brokerRequests runs the clients at once, each making one request, and
// returns what each got.
func brokerRequests(ctx context.Context, endpoint string) ([]string, error) {
	replies := make([]string, brokerClients)
	errs := make([]error, brokerClients)
	var wg sync.WaitGroup
	for i := range brokerClients {
		wg.Go(func() { replies[i], errs[i] = brokerClient(ctx, i+1, endpoint) })
	}
	wg.Wait()
	return replies, errors.Join(errs...)
}

func brokerClient(ctx context.Context, id int, endpoint string) (string, error) {
	var ss sockets
	defer ss.closeAll()
	s, err := ss.connect(zmq.REQ, endpoint)
	if err != nil {
		return "", err
	}
	text := fmt.Sprintf("hello from client %d", id)
	reply, err := request(ctx, s, text)
	if err != nil {
		return "", err
	}
	if !strings.HasSuffix(reply, fmt.Sprintf("client %d", id)) {
		return "", fmt.Errorf("client %d got someone else's reply %q", id, reply)
	}
	return fmt.Sprintf("%q -> %q", text, reply), nil
}

// brokerWorker answers requests until ctx ends.
func brokerWorker(ctx context.Context, id int, endpoint string) {
	var ss sockets
	defer ss.closeAll()
	s, err := ss.connect(zmq.REP, endpoint)
	if err != nil {
		return
	}
	for {
		m, err := s.Recv(ctx)
		if err != nil {
			return
		}
		to := strings.TrimPrefix(m.String(), "hello from ")
		if err := s.Send(ctx, zmq.NewMsgString(fmt.Sprintf("world from worker %d to %s", id, to))); err != nil {
			return
		}
	}
}
