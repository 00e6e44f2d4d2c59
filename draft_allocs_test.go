package zmq_test

import (
	"io"
	"net"
	"strings"
	"testing"

	"github.com/purezmq/zmq"
	"github.com/purezmq/zmq/internal/zmtp"
)

// Sending on a draft type allocates nothing in steady state, over tcp and
// udp: the peers are raw sinks that allocate nothing either, so what is
// counted is the sending socket's, its Send and its connection's writer.
// A small HWM (and WithXPubNoDrop on the RADIOs, which would otherwise
// drop) makes Send wait for the writer, so the writer runs within the
// count: AllocsPerRun runs on one thread.
func TestDraftSendsAllocateNothing(t *testing.T) {
	cases := []struct {
		name string
		// setUp returns the socket and the message to send, its peer
		// draining whatever comes.
		setUp func(t *testing.T) (*zmq.Socket, zmq.Msg)
	}{
		{"CLIENT tcp", func(t *testing.T) (*zmq.Socket, zmq.Msg) {
			return toRawSink(t, zmq.CLIENT, "SERVER"), zmq.NewMsgString("request")
		}},
		{"SCATTER tcp", func(t *testing.T) (*zmq.Socket, zmq.Msg) {
			return toRawSink(t, zmq.SCATTER, "GATHER"), zmq.NewMsgString("work")
		}},
		{"CHANNEL tcp", func(t *testing.T) (*zmq.Socket, zmq.Msg) {
			return toRawSink(t, zmq.CHANNEL, "CHANNEL"), zmq.NewMsgString("note")
		}},
		{"SERVER tcp", func(t *testing.T) (*zmq.Socket, zmq.Msg) { return fromRawAsker(t, zmq.SERVER, "CLIENT") }},
		{"PEER tcp", func(t *testing.T) (*zmq.Socket, zmq.Msg) { return fromRawAsker(t, zmq.PEER, "PEER") }},
		{"RADIO tcp", func(t *testing.T) (*zmq.Socket, zmq.Msg) {
			radio := newSocket(t, zmq.RADIO, zmq.WithSendHWM(allocsHWM), zmq.WithXPubNoDrop(true))
			raw := dialRaw(t, bind(t, radio, "tcp://127.0.0.1:*"))
			raw.handshakeFull("DISH")
			raw.write(zmtp.AppendCommand(nil, zmtp.CmdJoin, []byte("g")))
			msgs := raw.groupedMessages()
			for {
				sendMsg(t, radio, grouped("g", "probe"))
				select {
				case <-msgs:
					go io.Copy(io.Discard, raw.conn) // races msgs' reader harmlessly: both only drain
					return radio, grouped("g", "22C")
				default:
				}
			}
		}},
		{"RADIO udp", func(t *testing.T) (*zmq.Socket, zmq.Msg) {
			radio := newSocket(t, zmq.RADIO, zmq.WithSendHWM(allocsHWM), zmq.WithXPubNoDrop(true))
			connect(t, radio, udpSink(t))
			return radio, grouped("g", "22C")
		}},
		{"DGRAM udp", func(t *testing.T) (*zmq.Socket, zmq.Msg) {
			d := newSocket(t, zmq.DGRAM, zmq.WithSendHWM(allocsHWM))
			bind(t, d, "udp://127.0.0.1:*")
			return d, zmq.NewMsgString(strings.TrimPrefix(udpSink(t), "udp://"), "datagram")
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s, m := c.setUp(t)
			ctx := ctxT(t)
			for i := 0; i < 1000; i++ { // to steady state
				sendMsg(t, s, m)
			}
			allocs := testing.AllocsPerRun(2000, func() {
				if err := s.Send(ctx, m); err != nil {
					t.Fatal(err)
				}
			})
			if allocs > 0.05 {
				t.Fatalf("%.3f allocations per send", allocs)
			}
		})
	}
}

// allocsHWM keeps the queues short, so the writer runs often.
const allocsHWM = 16

// toRawSink connects a socket of type typ to a raw peer of type peer that
// drains what it is sent.
func toRawSink(t *testing.T, typ zmq.Type, peer string) *zmq.Socket {
	t.Helper()
	s := newSocket(t, typ, zmq.WithSendHWM(allocsHWM))
	raw := dialRaw(t, bind(t, s, "tcp://127.0.0.1:*"))
	raw.handshakeFull(peer)
	go io.Copy(io.Discard, raw.conn)
	return s
}

// fromRawAsker binds a SERVER or PEER, has a raw peer speak to it to be
// known by its routing id, and returns a message addressed to that peer,
// which drains what it is sent.
func fromRawAsker(t *testing.T, typ zmq.Type, peer string) (*zmq.Socket, zmq.Msg) {
	t.Helper()
	s := newSocket(t, typ, zmq.WithSendHWM(allocsHWM))
	raw := dialRaw(t, bind(t, s, "tcp://127.0.0.1:*"))
	raw.handshakeFull(peer)
	raw.write(zmtp.AppendFrame(nil, 0, []byte("hello")))
	id := recvMsg(t, s).RoutingID
	go io.Copy(io.Discard, raw.conn)
	return s, routed(id, "reply")
}

// udpSink is a loopback udp endpoint that drains what it is sent.
func udpSink(t *testing.T) string {
	t.Helper()
	c, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		buf := make([]byte, 65536)
		for {
			// Read, not ReadFrom: that allocates an address each time.
			if _, err := c.Read(buf); err != nil {
				return
			}
		}
	}()
	t.Cleanup(func() { c.Close(); <-done })
	return "udp://" + c.LocalAddr().String()
}
