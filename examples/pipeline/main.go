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

	ventilator, err := zmq.NewSocket(zmq.PUSH)
	check(err)
	defer ventilator.Close()
	sink, err := zmq.NewSocket(zmq.PULL)
	check(err)
	defer sink.Close()
	check(sink.Bind("tcp://127.0.0.1:*"))

	workCtx, stopWorkers := context.WithCancel(ctx)
	var wg sync.WaitGroup
	endpoints := make(chan string)
	for id := 1; id <= workers; id++ {
		wg.Go(func() { work(workCtx, id, endpoints, sink.LastEndpoint()) })
	}
	// The ventilator connects to the workers. A connecting PUSH has a
	// queue for each endpoint from the moment it connects, so the batch is
	// dealt evenly however fast the workers come up. A binding PUSH deals
	// only among the workers connected so far: the first to arrive would
	// take every task sent before the others.
	for range workers {
		check(ventilator.Connect(<-endpoints))
	}

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

// work binds, says where, and does tasks until ctx ends, reporting each
// done to the sink.
func work(ctx context.Context, id int, endpoints chan<- string, sink string) {
	receiver, err := zmq.NewSocket(zmq.PULL)
	check(err)
	defer receiver.Close()
	check(receiver.Bind("tcp://127.0.0.1:*"))
	endpoints <- receiver.LastEndpoint()
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
