// Broker is the request-reply broker: REQ clients connect to a ROUTER,
// REP workers to a DEALER, and a loop in between passes requests one way
// and replies the other. Clients and workers know only the broker, so
// either side can grow without the other noticing.
//
// The ROUTER prefixes each request with the routing id of the client it
// came from; the worker's REP hands that envelope back with the reply, and
// the ROUTER uses it to route the reply home. zmq.Proxy(frontend, backend,
// nil) is this same loop, ready-made.
package main

import (
	"context"
	"errors"
	"fmt"
	"log"
	"sync"
	"time"

	"github.com/purezmq/zmq"
)

const (
	clients = 4
	workers = 2
)

func main() {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	frontend, err := zmq.NewSocket(zmq.ROUTER)
	check(err)
	defer frontend.Close()
	check(frontend.Bind("tcp://127.0.0.1:*"))
	backend, err := zmq.NewSocket(zmq.DEALER)
	check(err)
	defer backend.Close()
	check(backend.Bind("tcp://127.0.0.1:*"))

	brokerCtx, stopBroker := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Go(func() { broker(brokerCtx, frontend, backend) })
	for id := 1; id <= workers; id++ {
		wg.Go(func() { worker(brokerCtx, id, backend.LastEndpoint()) })
	}

	var clientsDone sync.WaitGroup
	for id := 1; id <= clients; id++ {
		clientsDone.Go(func() { client(ctx, id, frontend.LastEndpoint()) })
	}
	clientsDone.Wait()
	stopBroker()
	wg.Wait()
	fmt.Printf("broker: %d clients served by %d workers\n", clients, workers)
}

// broker passes messages between the two sockets, whole: a message is
// several frames (envelope and body), sent and received together.
func broker(ctx context.Context, frontend, backend *zmq.Socket) {
	poller := zmq.NewPoller()
	poller.Add(frontend, zmq.PollIn)
	poller.Add(backend, zmq.PollIn)
	for {
		ready, err := poller.Poll(ctx)
		if err != nil {
			return
		}
		for _, r := range ready {
			to := backend
			if r.Socket == backend {
				to = frontend
			}
			m, err := r.Socket.Recv(ctx)
			if err == nil {
				err = to.Send(ctx, m)
			}
			if err != nil {
				return
			}
		}
	}
}

func client(ctx context.Context, id int, broker string) {
	s, err := zmq.NewSocket(zmq.REQ)
	check(err)
	defer s.Close()
	check(s.Connect(broker))
	check(s.Send(ctx, zmq.NewMsgString(fmt.Sprintf("request from client %d", id))))
	reply, err := s.Recv(ctx)
	check(err)
	fmt.Printf("client %d: %s\n", id, reply)
}

func worker(ctx context.Context, id int, broker string) {
	s, err := zmq.NewSocket(zmq.REP)
	check(err)
	defer s.Close()
	check(s.Connect(broker))
	for {
		request, err := s.Recv(ctx)
		if errors.Is(err, context.Canceled) {
			return
		}
		check(err)
		check(s.Send(ctx, zmq.NewMsgString(fmt.Sprintf("worker %d answered %q", id, request))))
	}
}

func check(err error) {
	if err != nil {
		log.Fatal(err)
	}
}
