package zmq_test

import (
	"context"
	"fmt"

	"github.com/purezmq/zmq"
)

// Client-server: a SERVER answers each CLIENT by the routing id its request
// came with.
func Example_clientServer() {
	ctx := context.Background()
	server, _ := zmq.NewSocket(zmq.SERVER)
	defer server.Close()
	server.Bind("tcp://127.0.0.1:*")

	client, _ := zmq.NewSocket(zmq.CLIENT)
	defer client.Close()
	client.Connect(server.LastEndpoint())

	client.Send(ctx, zmq.NewMsgString("hello"))
	request, _ := server.Recv(ctx)
	reply := zmq.NewMsgString(request.String() + ", client")
	reply.RoutingID = request.RoutingID
	server.Send(ctx, reply)
	answer, _ := client.Recv(ctx)
	fmt.Println(answer)
	// Output: hello, client
}

// Radio-dish: a DISH receives the groups it joined. Over inproc its JOIN is
// in place as soon as it connects; over tcp, as with PUB/SUB, a message
// sent before the RADIO heard the JOIN does not reach it.
func Example_radioDish() {
	ctx := context.Background()
	radio, _ := zmq.NewSocket(zmq.RADIO)
	defer radio.Close()
	radio.Bind("inproc://radio")

	dish, _ := zmq.NewSocket(zmq.DISH)
	defer dish.Close()
	dish.Join("weather")
	dish.Connect("inproc://radio")

	for _, g := range [][2]string{{"sports", "3-1"}, {"weather", "22C"}} {
		m := zmq.NewMsgString(g[1])
		m.Group = g[0]
		radio.Send(ctx, m)
	}
	m, _ := dish.Recv(ctx)
	fmt.Println(m.Group, m)
	// Output: weather 22C
}

// A PEER learns the routing id of the peer it connects to, and may speak
// first.
func ExampleSocket_ConnectPeer() {
	ctx := context.Background()
	a, _ := zmq.NewSocket(zmq.PEER)
	defer a.Close()
	b, _ := zmq.NewSocket(zmq.PEER)
	defer b.Close()
	b.Bind("inproc://peer-b")

	id, _ := a.ConnectPeer("inproc://peer-b")
	m := zmq.NewMsgString("hi b")
	m.RoutingID = id
	a.Send(ctx, m)
	got, _ := b.Recv(ctx)
	fmt.Println(got)
	// Output: hi b
}
