package zmq_test

import (
	"context"
	"fmt"

	"github.com/purezmq/zmq"
)

// Close with the default linger: what a connected peer is reading is
// delivered, and nothing waits for a peer that never came up. Stats tells
// what Close gave up on.
func ExampleSocket_Close() {
	ctx := context.Background()
	pull, _ := zmq.NewSocket(zmq.PULL)
	defer pull.Close()
	pull.Bind("tcp://127.0.0.1:*")

	push, _ := zmq.NewSocket(zmq.PUSH)
	push.Connect(pull.LastEndpoint())
	push.Send(ctx, zmq.NewMsgString("delivered"))
	push.Close()
	m, _ := pull.Recv(ctx)
	fmt.Println(m)

	dealer, _ := zmq.NewSocket(zmq.DEALER)
	dealer.Connect("ipc:///nonexistent/never-bound") // nobody will ever bind this
	dealer.Send(ctx, zmq.NewMsgString("nobody"))
	dealer.Close() // returns at once; libzmq's zmq_ctx_term would wait for ever
	st := dealer.Stats()
	fmt.Println("dropped:", st.CloseDroppedMessages, "abandoned:", st.CloseAbandonedPeers)
	// Output:
	// delivered
	// dropped: 1 abandoned: 1
}
