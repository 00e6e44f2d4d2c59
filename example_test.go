package zmq_test

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/purezmq/zmq"
)

// Request-reply: a REQ asks, a REP answers.
func Example_requestReply() {
	ctx := context.Background()
	server, _ := zmq.NewSocket(zmq.REP)
	defer server.Close()
	server.Bind("tcp://127.0.0.1:*")

	client, _ := zmq.NewSocket(zmq.REQ)
	defer client.Close()
	client.Connect(server.LastEndpoint())

	client.Send(ctx, zmq.NewMsgString("hello"))
	request, _ := server.Recv(ctx)
	server.Send(ctx, zmq.NewMsgString(request.String()+", world"))
	reply, _ := client.Recv(ctx)
	fmt.Println(reply)
	// Output: hello, world
}

// Publish-subscribe: a SUB gets only the topics it subscribed to.
func Example_publishSubscribe() {
	ctx := context.Background()
	pub, _ := zmq.NewSocket(zmq.PUB)
	defer pub.Close()
	pub.Bind("inproc://weather")

	sub, _ := zmq.NewSocket(zmq.SUB)
	defer sub.Close()
	sub.Connect("inproc://weather")
	sub.Subscribe("paris ")

	// A subscription takes a moment to reach the publisher: publish until
	// the subscriber hears something.
	received := make(chan zmq.Msg)
	go func() {
		m, _ := sub.Recv(ctx)
		received <- m
	}()
	for {
		pub.Send(ctx, zmq.NewMsgString("london 12C"))
		pub.Send(ctx, zmq.NewMsgString("paris 17C"))
		select {
		case m := <-received:
			fmt.Println(m)
			return
		default:
		}
	}
	// Output: paris 17C
}

// Pipeline: a ventilator PUSHes tasks to workers, which PUSH results to a
// sink. The workers' sockets belong to a Context, whose Close ends them.
func Example_pipeline() {
	ctx := context.Background()
	zctx := zmq.NewContext()
	defer zctx.Close()
	ventilator, _ := zctx.NewSocket(zmq.PUSH)
	ventilator.Bind("inproc://tasks")
	sink, _ := zctx.NewSocket(zmq.PULL)
	sink.Bind("inproc://results")

	for w := 0; w < 2; w++ {
		tasks, _ := zctx.NewSocket(zmq.PULL)
		tasks.Connect("inproc://tasks")
		results, _ := zctx.NewSocket(zmq.PUSH)
		results.Connect("inproc://results")
		go func() {
			for {
				task, err := tasks.Recv(ctx)
				if err != nil {
					return // the context was closed
				}
				results.Send(ctx, zmq.NewMsgString(strings.ToUpper(task.String())))
			}
		}()
	}
	for _, task := range []string{"a", "b", "c"} {
		ventilator.Send(ctx, zmq.NewMsgString(task))
	}
	var done []string
	for range 3 {
		m, _ := sink.Recv(ctx)
		done = append(done, m.String())
	}
	sort.Strings(done)
	fmt.Println(done)
	// Output: [A B C]
}

// Exclusive pair: two goroutines joined over inproc.
func Example_pair() {
	ctx := context.Background()
	a, _ := zmq.NewSocket(zmq.PAIR)
	defer a.Close()
	a.Bind("inproc://relay")
	done := make(chan struct{})
	go func() {
		defer close(done)
		b, _ := zmq.NewSocket(zmq.PAIR)
		defer b.Close()
		b.Connect("inproc://relay")
		b.Send(ctx, zmq.NewMsgString("ready"))
	}()
	m, _ := a.Recv(ctx)
	<-done
	fmt.Println(m)
	// Output: ready
}

// A broker: REQ clients talk to a ROUTER, REP workers to a DEALER, and Proxy
// joins the two.
func ExampleProxy() {
	ctx := context.Background()
	frontend, _ := zmq.NewSocket(zmq.ROUTER)
	frontend.Bind("inproc://clients")
	backend, _ := zmq.NewSocket(zmq.DEALER)
	backend.Bind("inproc://workers")
	go zmq.Proxy(frontend, backend, nil)

	worker, _ := zmq.NewSocket(zmq.REP)
	defer worker.Close()
	worker.Connect("inproc://workers")
	go func() {
		for {
			m, err := worker.Recv(ctx)
			if err != nil {
				return
			}
			worker.Send(ctx, zmq.NewMsgString("done: "+m.String()))
		}
	}()

	client, _ := zmq.NewSocket(zmq.REQ)
	defer client.Close()
	client.Connect("inproc://clients")
	client.Send(ctx, zmq.NewMsgString("job 1"))
	reply, _ := client.Recv(ctx)
	fmt.Println(reply)
	frontend.Close()
	backend.Close()
	// Output: done: job 1
}
