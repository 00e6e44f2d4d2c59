// Relay is the multithreaded relay: three goroutines in a chain, each
// signalling the next over a PAIR socket on inproc, the transport for
// goroutines of one program. PAIR is one-to-one, which makes it the
// socket for coordinating a fixed pipeline of steps.
package main

import (
	"context"
	"fmt"
	"log"
	"time"

	"github.com/purezmq/zmq"
)

func main() {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	// inproc names belong to a context. Closing the context closes every
	// socket made in it, so the steps need not close their own.
	zctx := zmq.NewContext()
	defer zctx.Close()

	// Each step binds before starting the step that connects to it, so
	// the chain needs no other synchronisation.
	receiver, err := zctx.NewSocket(zmq.PAIR)
	check(err)
	check(receiver.Bind("inproc://step3"))
	go step2(ctx, zctx)

	m, err := receiver.Recv(ctx)
	check(err)
	fmt.Printf("step 3: got %q: the relay is complete\n", m)
}

func step2(ctx context.Context, zctx *zmq.Context) {
	receiver, err := zctx.NewSocket(zmq.PAIR)
	check(err)
	check(receiver.Bind("inproc://step2"))
	go step1(ctx, zctx)

	m, err := receiver.Recv(ctx)
	check(err)
	fmt.Printf("step 2: got %q from step 1, signalling step 3\n", m)
	signal(ctx, zctx, "inproc://step3", "ready from step 2")
}

func step1(ctx context.Context, zctx *zmq.Context) {
	fmt.Println("step 1: ready, signalling step 2")
	signal(ctx, zctx, "inproc://step2", "ready from step 1")
}

func signal(ctx context.Context, zctx *zmq.Context, endpoint, text string) {
	s, err := zctx.NewSocket(zmq.PAIR)
	check(err)
	check(s.Connect(endpoint))
	check(s.Send(ctx, zmq.NewMsgString(text)))
}

func check(err error) {
	if err != nil {
		log.Fatal(err)
	}
}
