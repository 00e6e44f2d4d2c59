package zmq_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/purezmq/zmq"
	"github.com/purezmq/zmq/internal/zmtp"
)

// A SERVER tells its CLIENTs apart by routing id and answers each by its
// id, over every transport.
func TestClientServer(t *testing.T) {
	for _, tr := range transportsAll {
		t.Run(tr, func(t *testing.T) {
			server := newSocket(t, zmq.SERVER)
			ep := bind(t, server, endpointFor(t, tr))
			clients := []*zmq.Socket{newSocket(t, zmq.CLIENT), newSocket(t, zmq.CLIENT), newSocket(t, zmq.CLIENT)}
			for i, c := range clients {
				connect(t, c, ep)
				send(t, c, fmt.Sprint("client ", i))
			}
			ids := map[uint32]string{}
			for range clients {
				m := recvMsg(t, server)
				if m.RoutingID == 0 {
					t.Fatalf("%q came with routing id 0", m.Frames)
				}
				ids[m.RoutingID] = m.String()
			}
			if len(ids) != len(clients) {
				t.Fatalf("routing ids %v: want one per client", ids)
			}
			for id, from := range ids {
				sendMsg(t, server, routed(id, "reply to "+from))
			}
			for i, c := range clients {
				if m := recvMsg(t, c); m.String() != fmt.Sprint("reply to client ", i) || m.RoutingID != 0 {
					t.Fatalf("client %d got %q (routing id %d)", i, m.Frames, m.RoutingID)
				}
			}
			// A second message from a client comes with the same id.
			send(t, clients[1], "again")
			if m := recvMsg(t, server); ids[m.RoutingID] != "client 1" {
				t.Fatalf("client 1's second message came with id %d (%q)", m.RoutingID, ids[m.RoutingID])
			}
		})
	}
}

func TestServerErrors(t *testing.T) {
	server := newSocket(t, zmq.SERVER)
	ep := bind(t, server, "tcp://127.0.0.1:*")
	client := newSocket(t, zmq.CLIENT)
	connect(t, client, ep)
	send(t, client, "hi")
	id := recvMsg(t, server).RoutingID

	for _, bad := range []uint32{0, id + 1} {
		if err := server.Send(ctxT(t), routed(bad, "x")); !errors.Is(err, zmq.ErrHostUnreachable) {
			t.Fatalf("send to routing id %d: %v, want ErrHostUnreachable", bad, err)
		}
	}
	two := routed(id, "a")
	two.Frames = append(two.Frames, []byte("b"))
	if err := server.Send(ctxT(t), two); !errors.Is(err, zmq.ErrInvalid) {
		t.Fatalf("multipart send: %v, want ErrInvalid", err)
	}
	if err := client.Send(ctxT(t), zmq.NewMsgString("a", "b")); !errors.Is(err, zmq.ErrInvalid) {
		t.Fatalf("multipart CLIENT send: %v, want ErrInvalid", err)
	}
	// Once the client has gone, its id is unreachable.
	client.Close()
	eventually(t, "the departed client's id to be unreachable", func() bool {
		return errors.Is(server.Send(ctxT(t), routed(id, "late")), zmq.ErrHostUnreachable)
	})
}

// A CLIENT sends round-robin to its SERVERs and fair-queues their replies.
func TestClientBalances(t *testing.T) {
	client := newSocket(t, zmq.CLIENT)
	servers := []*zmq.Socket{newSocket(t, zmq.SERVER), newSocket(t, zmq.SERVER)}
	for _, s := range servers {
		connect(t, client, bind(t, s, "tcp://127.0.0.1:*"))
	}
	// A connecting pipe queues before its connection is up, so the
	// round-robin covers both from the first message.
	for i := 0; i < 4; i++ {
		send(t, client, fmt.Sprint(i))
	}
	got := map[int]int{}
	for i, s := range servers {
		for j := 0; j < 2; j++ {
			m := recvMsg(t, s)
			got[i]++
			sendMsg(t, s, routed(m.RoutingID, "from "+fmt.Sprint(i)))
		}
	}
	if got[0] != 2 || got[1] != 2 {
		t.Fatalf("the servers got %v, want 2 each", got)
	}
	for i := 0; i < 4; i++ {
		recvMsg(t, client)
	}
}

// A peer that sends a SERVER a multipart message is dropped and counted;
// the SERVER serves others on.
func TestServerDropsMultipartPeer(t *testing.T) {
	server := newSocket(t, zmq.SERVER)
	ep := bind(t, server, "tcp://127.0.0.1:*")
	raw := dialRaw(t, ep)
	raw.handshake("CLIENT")
	raw.write(zmtp.AppendFrame(nil, 0, []byte("single")))
	if m := recvMsg(t, server); m.String() != "single" {
		t.Fatalf("got %q", m.Frames)
	}
	raw.write(zmtp.AppendFrame(zmtp.AppendFrame(nil, zmtp.FlagMore, []byte("multi")), 0, []byte("part")))
	raw.closedBySocket()
	eventually(t, "the drop to be counted", func() bool { return server.Stats().ProtocolErrors == 1 })
	if m, err := tryRecv(server, 50*time.Millisecond); err == nil {
		t.Fatalf("the multipart message got through: %q", m.Frames)
	}
	client := newSocket(t, zmq.CLIENT)
	connect(t, client, ep)
	send(t, client, "still here")
	if m := recvMsg(t, server); m.String() != "still here" {
		t.Fatalf("got %q", m.Frames)
	}
}

// The draft types talk to the types libzmq pairs them with, and no other.
func TestDraftTypesRefuseStrangers(t *testing.T) {
	cases := [][2]zmq.Type{{zmq.SERVER, zmq.DEALER}, {zmq.CLIENT, zmq.ROUTER}, {zmq.RADIO, zmq.SUB}, {zmq.DISH, zmq.PUB},
		{zmq.GATHER, zmq.PUSH}, {zmq.SCATTER, zmq.PULL}, {zmq.PEER, zmq.SERVER}, {zmq.CHANNEL, zmq.PAIR}}
	for _, c := range cases {
		t.Run(c[0].String()+"-"+c[1].String(), func(t *testing.T) {
			ours := newSocket(t, c[0])
			ep := bind(t, ours, "tcp://127.0.0.1:*")
			mon := ours.Monitor(zmq.EventHandshakeFailedProtocol)
			other := newSocket(t, c[1])
			connect(t, other, ep)
			select {
			case e := <-mon.C:
				if e.Type != zmq.EventHandshakeFailedProtocol {
					t.Fatalf("event %v", e)
				}
			case <-time.After(testTimeout):
				t.Fatal("no handshake failure reported")
			}
		})
	}
}
