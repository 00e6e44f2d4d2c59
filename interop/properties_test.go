package interop

import (
	"fmt"
	"testing"

	zmq4 "github.com/pebbe/zmq4"
	"github.com/purezmq/zmq"
)

// TestProperties: a message from libzmq carries the connection's
// properties (Socket-Type, Identity, and Peer-Address over tcp), and a
// message from ours carries them on libzmq's side (zmq_msg_gets).
func TestProperties(t *testing.T) {
	for _, oursBinds := range []bool{true, false} {
		for _, tr := range transports {
			t.Run(fmt.Sprintf("libzmq-to-ours/%s/%s", binderName(oursBinds), tr), func(t *testing.T) {
				ours := newOurs(t, zmq.DEALER)
				lz := newLZ(t, zmq.DEALER, func(s *zmq4.Socket) error { return s.SetIdentity("lz-id") })
				connectPair(t, ourEnd{ours}, lzEnd{lz}, oursBinds, tr)
				lzSend(t, lz, frames("hi")...)
				m := oursRecvMsg(t, ours)
				expectFrames(t, m.Frames, frames("hi"))
				want := map[string]string{
					"Socket-Type": "DEALER",
					"socket-type": "DEALER", // names compare without case
					"Identity":    "lz-id",
					"Routing-Id":  "lz-id",
				}
				if tr == "tcp" {
					want["Peer-Address"] = "127.0.0.1"
				}
				for name, value := range want {
					got, ok := m.Property(name)
					if !ok || got != value {
						t.Errorf("Property(%q) = %q, %v; want %q", name, got, ok, value)
					}
				}
				if got, ok := m.Property("No-Such-Property"); ok {
					t.Errorf("Property(No-Such-Property) = %q, true", got)
				}
			})
			t.Run(fmt.Sprintf("ours-to-libzmq/%s/%s", binderName(oursBinds), tr), func(t *testing.T) {
				ours := newOurs(t, zmq.PUSH, zmq.WithRoutingID([]byte("ours-id")))
				lz := newLZ(t, zmq.PULL)
				connectPair(t, ourEnd{ours}, lzEnd{lz}, oursBinds, tr)
				oursSend(t, ours, []byte("hi"))
				body, meta, err := lz.RecvBytesWithMetadata(0, "Socket-Type", "Identity", "Peer-Address")
				must(t, err)
				if string(body) != "hi" {
					t.Fatalf("libzmq received %q", body)
				}
				want := map[string]string{"Socket-Type": "PUSH", "Identity": "ours-id"}
				if tr == "tcp" {
					want["Peer-Address"] = "127.0.0.1"
				}
				for name, value := range want {
					if meta[name] != value {
						t.Errorf("libzmq zmq_msg_gets(%q) = %q; want %q (all: %v)", name, meta[name], value, meta)
					}
				}
			})
		}
	}
}

// connectPair binds one end and connects the other to it.
func connectPair(t *testing.T, ours, lz end, oursBinds bool, tr string) {
	t.Helper()
	binder, connecter := ours, lz
	if !oursBinds {
		binder, connecter = lz, ours
	}
	connecter.connect(t, binder.bind(t, bindAddr(t, tr)))
}
