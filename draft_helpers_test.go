package zmq_test

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"testing"
	"time"

	"github.com/purezmq/zmq"
	"github.com/purezmq/zmq/internal/zmtp"
)

// transportsAll are the transports the draft types' tests run over: every
// one that carries ZMTP, and inproc.
var transportsAll = []string{"tcp", "ipc", "inproc"}

var endpointSeq int

// endpointFor returns an endpoint to bind on the transport.
func endpointFor(t *testing.T, transport string) string {
	t.Helper()
	endpointSeq++
	switch transport {
	case "tcp":
		return "tcp://127.0.0.1:*"
	case "ipc":
		return "ipc://" + t.TempDir() + "/s.sock"
	}
	return fmt.Sprintf("inproc://%s-%d", t.Name(), endpointSeq)
}

// grouped is a message in a group, as a RADIO sends it.
func grouped(group, body string) zmq.Msg {
	m := zmq.NewMsgString(body)
	m.Group = group
	return m
}

// routed is a message for a SERVER or PEER to send to id.
func routed(id uint32, body string) zmq.Msg {
	m := zmq.NewMsgString(body)
	m.RoutingID = id
	return m
}

func sendMsg(t *testing.T, s *zmq.Socket, m zmq.Msg) {
	t.Helper()
	if err := s.Send(ctxT(t), m); err != nil {
		t.Fatalf("Send(%q): %v", m.Frames, err)
	}
}

// syncGroup sends in group from radio until dish receives one, which proves
// dish's JOINs so far reached radio, then reads what is still on its way.
func syncGroup(t *testing.T, radio, dish *zmq.Socket, group string) {
	t.Helper()
	deadline := time.Now().Add(testTimeout)
	for i := 0; ; i++ {
		if time.Now().After(deadline) {
			t.Fatalf("group %q never reached the DISH", group)
		}
		body := fmt.Sprintf("sync-%d", i)
		sendMsg(t, radio, grouped(group, body))
		m, err := tryRecv(dish, pollInterval)
		if errors.Is(err, context.DeadlineExceeded) {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		for m.String() != body {
			m = recvMsg(t, dish)
		}
		return
	}
}

// readFrame reads one frame the socket sent a raw peer.
func (p *rawPeer) readFrame() (flags byte, body []byte) {
	p.t.Helper()
	_ = p.conn.SetReadDeadline(time.Now().Add(testTimeout))
	flags, body, err := readRawFrame(p.conn)
	if err != nil {
		p.t.Fatalf("reading a frame: %v", err)
	}
	return flags, body
}

// handshakeFull is handshake, also reading the socket's READY, so what is
// read next is what the socket sends after the handshake.
func (p *rawPeer) handshakeFull(socketType string) {
	p.t.Helper()
	p.handshake(socketType)
	if flags, body := p.readFrame(); flags != zmtp.FlagCommand || len(body) < 6 || string(body[1:6]) != zmtp.CmdReady {
		p.t.Fatalf("expected READY, got flags %#x %q", flags, body)
	}
}

// groupedMessages reads what a RADIO sends the raw peer, [group, body]
// each, until the connection ends; a frame out of place ends it too.
func (p *rawPeer) groupedMessages() <-chan [2]string {
	out := make(chan [2]string, 64)
	stop := make(chan struct{})
	p.t.Cleanup(func() { close(stop) })
	go func() {
		defer close(out)
		for {
			flags, group, err := readRawFrame(p.conn)
			if err != nil || flags != zmtp.FlagMore {
				return
			}
			flags, body, err := readRawFrame(p.conn)
			if err != nil || flags != 0 {
				return
			}
			select {
			case out <- [2]string{string(group), string(body)}:
			case <-stop:
				return
			}
		}
	}()
	return out
}

func readRawFrame(r io.Reader) (flags byte, body []byte, err error) {
	hdr := make([]byte, 2)
	if _, err := io.ReadFull(r, hdr); err != nil {
		return 0, nil, err
	}
	flags = hdr[0]
	size := uint64(hdr[1])
	if flags&zmtp.FlagLong != 0 {
		rest := make([]byte, 7)
		if _, err := io.ReadFull(r, rest); err != nil {
			return 0, nil, err
		}
		size = binary.BigEndian.Uint64(append([]byte{hdr[1]}, rest...))
	}
	if size > 1<<20 {
		return 0, nil, fmt.Errorf("a %d-byte frame", size)
	}
	body = make([]byte, size)
	_, err = io.ReadFull(r, body)
	return flags &^ zmtp.FlagLong, body, err
}
