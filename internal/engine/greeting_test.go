package engine

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"testing"
	"time"

	"github.com/purezmq/zmq/internal/zmtp"
)

// A ZMTP 3.x peer gets the greeting in the steps libzmq takes: the
// signature, the major version once the peer's signature is in, the rest
// once its revision is; then READY.
func TestV3PeerGreetingSteps(t *testing.T) {
	peer, conn := newWirePeer(t, peerPrefix("PUSH"))
	c, err := Handshake(conn, &Config{SocketType: "PULL", NewMechanism: zmtp.NewNull, OldestZMTP: 2})
	if err != nil {
		t.Fatal(err)
	}
	if c.version != zmtp.ZMTP3 || c.in.framing != nil || c.Peer().LegacySubscribe {
		t.Fatalf("version %v framing %v peer %+v", c.version, c.in.framing, c.Peer())
	}
	c.Close()
	want := zmtp.AppendSignature(nil, 0)
	want = append(want, zmtp.Greeting{Major: 3, Minor: 1, Mechanism: "NULL"}.Append(nil)[zmtp.SignatureLen:]...)
	want = zmtp.AppendCommand(want, zmtp.CmdReady, zmtp.AppendMetadata(nil, zmtp.Metadata{{Name: "Socket-Type", Value: "PULL"}}))
	if w := peer.written(); !bytes.Equal(w, want) {
		t.Fatalf("wrote % x\nwant  % x", w, want)
	}
}

// stepPeer plays a peer that sends each part of its greeting only once it
// has read the part of ours that comes before it, as libzmq and JeroMQ do:
// the engine must send each part as soon as the peer's bytes allow, or the
// two wait on each other until the deadline.
// It runs over loopback tcp: a net.Pipe has no buffer, so both sides
// writing their signatures at once would block each other.
func stepPeer(t *testing.T, steps []step) (net.Conn, chan error) {
	near, far := tcpPair(t)
	_ = far.SetDeadline(time.Now().Add(5 * time.Second))
	done := make(chan error, 1)
	go func() {
		defer far.Close()
		for _, s := range steps {
			if s.send != nil {
				if _, err := far.Write(s.send); err != nil {
					done <- err
					return
				}
				continue
			}
			got := make([]byte, len(s.expect))
			if _, err := io.ReadFull(far, got); err != nil || !bytes.Equal(got, s.expect) {
				done <- fmt.Errorf("read % x (%v), want % x", got, err, s.expect)
				return
			}
		}
		done <- nil
	}()
	t.Cleanup(func() { near.Close() })
	return near, done
}

type step struct{ send, expect []byte }

func TestGreetingStepByStep(t *testing.T) {
	sig := zmtp.AppendSignature(nil, 0)
	v3 := zmtp.Greeting{Major: 3, Minor: 1, Mechanism: "NULL"}.Append(nil)
	ready := zmtp.AppendCommand(nil, zmtp.CmdReady, zmtp.AppendMetadata(nil, zmtp.Metadata{{Name: "Socket-Type", Value: "PUSH"}}))
	ourReady := zmtp.AppendCommand(nil, zmtp.CmdReady, zmtp.AppendMetadata(nil, zmtp.Metadata{{Name: "Socket-Type", Value: "PULL"}}))
	tests := []struct {
		name   string
		oldest int
		steps  []step
		err    error
	}{
		{"libzmq 4.3", 2, []step{
			{send: v3[:10]}, {expect: sig},
			{send: v3[10:11]}, {expect: []byte{3}},
			{send: v3[11:]}, {expect: v3[11:]},
			{send: ready}, {expect: ourReady},
		}, nil},
		// JeroMQ 0.3 sends its revision and type once it has our signature.
		{"JeroMQ 0.3", 2, []step{
			{send: sig}, {expect: sig},
			{send: []byte{1, 8}}, {expect: []byte{3, 7}},
			{send: []byte{0, 0}}, {expect: nil},
		}, nil},
		{"JeroMQ 0.3 refused after our major version", 3, []step{
			{send: sig}, {expect: sig},
			{expect: []byte{3}}, {send: []byte{1, 8}},
		}, zmtp.ErrProtocol},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			conn, peerDone := stepPeer(t, tt.steps)
			_, err := Handshake(conn, &Config{SocketType: "PULL", NewMechanism: zmtp.NewNull, OldestZMTP: tt.oldest})
			if !errors.Is(err, tt.err) {
				t.Fatalf("handshake: %v, want %v", err, tt.err)
			}
			if err := <-peerDone; err != nil {
				t.Fatalf("peer: %v", err)
			}
		})
	}
}
