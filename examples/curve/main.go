// Curve is REQ/REP secured with CURVE: the traffic is encrypted, the
// client checks it talks to the server whose public key it was given, and
// the server lets in only the clients whose public keys it knows (the
// "ironhouse" pattern). Real programs keep keys in files; here both pairs
// are made on the spot.
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

	serverPublic, serverSecret, err := zmq.NewCurveKeyPair()
	check(err)
	clientPublic, clientSecret, err := zmq.NewCurveKeyPair()
	check(err)

	// The authenticator answers the server's questions about each client
	// (ZAP, RFC 27). Without one, any client with a valid handshake would
	// get in, as in libzmq.
	auth, err := zmq.NewAuthenticator(nil)
	check(err)
	defer auth.Close()
	check(auth.AllowCurve(clientPublic))

	server, err := zmq.NewSocket(zmq.REP, zmq.WithCurveServer(serverSecret))
	check(err)
	defer server.Close()
	check(server.Bind("tcp://127.0.0.1:*"))

	client, err := zmq.NewSocket(zmq.REQ, zmq.WithCurveClient(serverPublic, clientPublic, clientSecret))
	check(err)
	defer client.Close()
	check(client.Connect(server.LastEndpoint()))

	check(client.Send(ctx, zmq.NewMsgString("Hello")))

	request, err := server.Recv(ctx)
	check(err)
	// The authenticator names each client by its public key.
	who, _ := request.Property("User-Id")
	fmt.Printf("server: %q from the client with key %s (known: %t)\n", request, who, who == clientPublic)
	check(server.Send(ctx, zmq.NewMsgString("World")))

	reply, err := client.Recv(ctx)
	check(err)
	fmt.Printf("client: %q, encrypted all the way\n", reply)
}

func check(err error) {
	if err != nil {
		log.Fatal(err)
	}
}
