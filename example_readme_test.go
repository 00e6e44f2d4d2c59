package zmq_test

import (
	"context"
	"fmt"
	"log"
	"time"

	"github.com/purezmq/zmq"
)

// The README's example, kept here so that it compiles and runs: a REP
// server and a REQ client in one program, over tcp on localhost. The body
// is the README's main; check is a closure here, so that it cannot clash
// with a helper of another test file.
func Example_readme() {
	check := func(err error) {
		if err != nil {
			log.Fatal(err)
		}
	}

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()

	server, err := zmq.NewSocket(zmq.REP)
	check(err)
	defer server.Close()
	check(server.Bind("tcp://127.0.0.1:*")) // port "*": any free port

	client, err := zmq.NewSocket(zmq.REQ)
	check(err)
	defer client.Close()
	check(client.Connect(server.LastEndpoint()))

	check(client.Send(ctx, zmq.NewMsgString("hello")))
	request, err := server.Recv(ctx)
	check(err)
	check(server.Send(ctx, zmq.NewMsgString(request.String()+", world")))
	reply, err := client.Recv(ctx)
	check(err)
	fmt.Println(reply)
	// Output: hello, world
}
