// Hello is ZeroMQ's hello world: a REP server answers "World" to each
// "Hello" a REQ client sends. Both sides run in this one program, over tcp
// on localhost.
package main

import (
	"context"
	"fmt"
	"log"
	"time"

	"github.com/purezmq/zmq"
)

const requests = 3

func main() {
	// Nothing here should take long; the deadline turns a hang into an error.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	server, err := zmq.NewSocket(zmq.REP)
	check(err)
	defer server.Close()
	// Port "*" picks a free port; LastEndpoint says which.
	check(server.Bind("tcp://127.0.0.1:*"))
	go serve(ctx, server)

	client, err := zmq.NewSocket(zmq.REQ)
	check(err)
	defer client.Close()
	check(client.Connect(server.LastEndpoint()))

	for i := 1; i <= requests; i++ {
		check(client.Send(ctx, zmq.NewMsgString("Hello")))
		reply, err := client.Recv(ctx)
		check(err)
		fmt.Printf("client: request %d got %q\n", i, reply)
	}
}

// serve answers every request until the socket is closed.
func serve(ctx context.Context, server *zmq.Socket) {
	for {
		request, err := server.Recv(ctx)
		if err != nil {
			return // closed: the program is ending
		}
		fmt.Printf("server: received %q\n", request)
		if err := server.Send(ctx, zmq.NewMsgString("World")); err != nil {
			return
		}
	}
}

func check(err error) {
	if err != nil {
		log.Fatal(err)
	}
}
