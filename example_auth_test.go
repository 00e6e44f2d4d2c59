package zmq_test

import (
	"context"
	"fmt"
	"log"
	"time"

	"github.com/purezmq/zmq"
)

// A PLAIN server whose clients an Authenticator checks. The authenticator
// serves the sockets of its context; the server learns who logged in from
// the User-Id property of each message.
func ExampleNewAuthenticator() {
	zctx := zmq.NewContext()
	defer zctx.Close()

	auth, err := zmq.NewAuthenticator(zctx)
	if err != nil {
		log.Fatal(err)
	}
	defer auth.Close()
	auth.AllowPlain(map[string]string{"admin": "secret"})

	server, err := zctx.NewSocket(zmq.PULL, zmq.WithPlainServer())
	if err != nil {
		log.Fatal(err)
	}
	if err := server.Bind("tcp://127.0.0.1:*"); err != nil {
		log.Fatal(err)
	}
	client, err := zctx.NewSocket(zmq.PUSH, zmq.WithPlainClient("admin", "secret"), zmq.WithLinger(0))
	if err != nil {
		log.Fatal(err)
	}
	if err := client.Connect(server.LastEndpoint()); err != nil {
		log.Fatal(err)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := client.Send(ctx, zmq.NewMsgString("hello")); err != nil {
		log.Fatal(err)
	}
	m, err := server.Recv(ctx)
	if err != nil {
		log.Fatal(err)
	}
	user, _ := m.Property("User-Id")
	fmt.Printf("%s from %s\n", m, user)
	// Output: hello from admin
}
