// Pipeline is divide and conquer with PUSH and PULL: a ventilator hands
// out tasks, workers do them in parallel, and a sink collects the results.
// Each task is a pretend workload of some milliseconds; with three workers
// the batch takes about a third of the time one would.
package main

import (
	"context"
	"fmt"
	"log"
	"strconv"
	"sync"
	"time"

	"github.com/purezmq/zmq"
)

const (
	workers  = 3
	tasks    = 30
	taskTime = 10 * time.Millisecond
)

func main() {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	// The stable parts, ventilator and sink, bind; workers come and go.
	ventilator, err := zmq.NewSocket(zmq.PUSH)
	check(err)
	defer ventilator.Close()
	check(ventilator.Bind("tcp://127.0.0.1:*"))
	sink, err := zmq.NewSocket(zmq.PULL)
	check(err)
	defer sink.Close()
	check(sink.Bind("tcp://127.0.0.1:*"))

	// PUSH deals tasks round-robin to the workers connected when it sends;
	// a batch sent while only one is up all goes to that one. So wait
	// until every worker has connected.
	joined := ventilator.Monitor(zmq.EventHandshakeSucceeded)
	workCtx, stopWorkers := context.WithCancel(ctx)
	var wg sync.WaitGroup
	for id := 1; id <= workers; id++ {
		wg.Go(func() { work(workCtx, id, ventilator.LastEndpoint(), sink.LastEndpoint()) })
	}
	for range workers {
		select {
		case <-joined.C:
		case <-ctx.Done():
			log.Fatal("the workers did not connect")
		}
	}
	joined.Stop()

	start := time.Now()
	for i := range tasks {
		check(ventilator.Send(ctx, zmq.NewMsgString(strconv.Itoa(i))))
	}
	perWorker := map[string]int{}
	for range tasks {
		m, err := sink.Recv(ctx)
		check(err)
		perWorker[m.String()]++
	}
	elapsed := time.Since(start)
	stopWorkers()
	wg.Wait()

	fmt.Printf("sink: %d tasks of %v done by %d workers in %v (one worker would take %v)\n",
		tasks, taskTime, len(perWorker), elapsed.Round(time.Millisecond), tasks*taskTime)
}

// work does tasks until ctx ends, reporting each done to the sink.
func work(ctx context.Context, id int, ventilator, sink string) {
	receiver, err := zmq.NewSocket(zmq.PULL)
	check(err)
	defer receiver.Close()
	check(receiver.Connect(ventilator))
	sender, err := zmq.NewSocket(zmq.PUSH)
	check(err)
	defer sender.Close()
	check(sender.Connect(sink))

	for {
		if _, err := receiver.Recv(ctx); err != nil {
			return // ctx ended: the batch is over
		}
		time.Sleep(taskTime) // the work
		if err := sender.Send(ctx, zmq.NewMsgString(fmt.Sprintf("worker %d", id))); err != nil {
			return
		}
	}
}

func check(err error) {
	if err != nil {
		log.Fatal(err)
	}
}
