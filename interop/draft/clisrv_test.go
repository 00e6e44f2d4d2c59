package draft

import (
	"errors"
	"fmt"
	"testing"

	"github.com/purezmq/zmq"
)

// TestOurServerTheirClients: libzmq CLIENTs talk to a purezmq SERVER, which
// tells them apart by routing id and answers each by its id.
func TestOurServerTheirClients(t *testing.T) {
	for _, tr := range transports {
		for _, oursBinds := range []bool{true, false} {
			t.Run(tr+"/"+roles(oursBinds), func(t *testing.T) {
				server := newSocket(t, zmq.SERVER)
				clients := []*nodePeer{startNode(t, "Client"), startNode(t, "Client")}
				if oursBinds {
					link(t, server, clients[0], tr, true)
					clients[1].connect(server.LastEndpoint())
				} else {
					// A SERVER connects to each CLIENT that binds.
					for _, c := range clients {
						link(t, server, c, tr, false)
					}
				}
				ids := map[string]uint32{}
				for i, c := range clients {
					c.send(fmt.Sprintf("hello from %d", i), nil)
				}
				for range clients {
					m := recvMsg(t, server)
					if m.RoutingID == 0 || len(m.Frames) != 1 {
						t.Fatalf("received %q with routing id %d", m.Frames, m.RoutingID)
					}
					ids[string(m.Frames[0])] = m.RoutingID
				}
				if len(ids) != 2 || ids["hello from 0"] == ids["hello from 1"] {
					t.Fatalf("routing ids %v: want two different ones", ids)
				}
				for i := range clients {
					reply := zmq.NewMsgString(fmt.Sprintf("reply to %d", i))
					reply.RoutingID = ids[fmt.Sprintf("hello from %d", i)]
					sendMsg(t, server, reply)
				}
				for i, c := range clients {
					if got := string(c.recv().body()); got != fmt.Sprintf("reply to %d", i) {
						t.Fatalf("client %d got %q", i, got)
					}
				}
				bad := zmq.NewMsgString("nobody")
				bad.RoutingID = ids["hello from 0"] ^ ids["hello from 1"] ^ 1
				if err := server.Send(ctxT(t), bad); !errors.Is(err, zmq.ErrHostUnreachable) {
					t.Fatalf("send to an unknown routing id: %v, want ErrHostUnreachable", err)
				}
			})
		}
	}
}

// TestOurClientTheirServer: a purezmq CLIENT talks to a libzmq SERVER that
// echoes each message to the routing id it came from.
func TestOurClientTheirServer(t *testing.T) {
	const n = 5
	for _, tr := range transports {
		for _, oursBinds := range []bool{true, false} {
			t.Run(tr+"/"+roles(oursBinds), func(t *testing.T) {
				client := newSocket(t, zmq.CLIENT)
				server := startNode(t, "Server")
				link(t, client, server, tr, oursBinds)
				for i := 0; i < n; i++ {
					sendMsg(t, client, zmq.NewMsgString(fmt.Sprint("request ", i)))
				}
				server.do(map[string]any{"op": "echo", "count": n, "timeout": timeout.Milliseconds()})
				for i := 0; i < n; i++ {
					if got := recvMsg(t, client).String(); got != fmt.Sprint("request ", i) {
						t.Fatalf("reply %d is %q", i, got)
					}
				}
			})
		}
	}
}
