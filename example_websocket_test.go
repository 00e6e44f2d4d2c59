package zmq_test

import (
	"context"
	"fmt"
	"log"
	"net"
	"net/http"
	"time"

	"github.com/purezmq/zmq"
)

// A Go web service serves a ZeroMQ endpoint from its own http.Server: the
// socket's WebSocketHandler takes the path /zmq beside the service's other
// handlers, and ZeroMQ peers (purezmq, libzmq's ws transport, jszmq in a
// browser) connect to ws://host:port/zmq, or wss:// when the server has
// TLS.
func ExampleSocket_WebSocketHandler() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()

	service, err := zmq.NewSocket(zmq.REP)
	if err != nil {
		log.Fatal(err)
	}
	defer service.Close()

	mux := http.NewServeMux()
	mux.Handle("/zmq", service.WebSocketHandler())
	mux.HandleFunc("/health", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, "ok")
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	server := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go server.Serve(ln)
	defer server.Close()

	// A peer elsewhere: here, a REQ socket of the same program.
	client, err := zmq.NewSocket(zmq.REQ)
	if err != nil {
		log.Fatal(err)
	}
	defer client.Close()
	if err := client.Connect("ws://" + ln.Addr().String() + "/zmq"); err != nil {
		log.Fatal(err)
	}

	if err := client.Send(ctx, zmq.NewMsgString("hello")); err != nil {
		log.Fatal(err)
	}
	request, err := service.Recv(ctx)
	if err != nil {
		log.Fatal(err)
	}
	if err := service.Send(ctx, zmq.NewMsgString(request.String()+", web")); err != nil {
		log.Fatal(err)
	}
	reply, err := client.Recv(ctx)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(reply)
	// Output: hello, web
}

// ZeroMQ over WebSocket without an http.Server of one's own: Bind takes
// ws:// (and wss:// with WithTLSConfig) endpoints as it takes tcp ones.
func Example_webSocket() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	pull, _ := zmq.NewSocket(zmq.PULL)
	defer pull.Close()
	pull.Bind("ws://127.0.0.1:*/jobs") // LastEndpoint: ws://127.0.0.1:PORT/jobs

	push, _ := zmq.NewSocket(zmq.PUSH)
	defer push.Close()
	push.Connect(pull.LastEndpoint())

	push.Send(ctx, zmq.NewMsgString("job", "42"))
	m, _ := pull.Recv(ctx)
	fmt.Printf("%q\n", m.Frames)
	// Output: ["job" "42"]
}
