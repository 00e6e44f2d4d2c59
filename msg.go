package zmq

import (
	"github.com/purezmq/zmq/internal/bufpool"
	"github.com/purezmq/zmq/internal/pipe"
	"github.com/purezmq/zmq/internal/zmtp"
)

// Msg is one message: one or more frames that travel together, all or none.
//
// Sending hands the frames over: the caller must not change them afterwards.
// That is what lets inproc pass messages without a copy. A received message's
// frames belong to the receiver, with one exception that follows libzmq: a
// PUB or XSUB that sends one message to several inproc peers gives them all
// the same bodies (libzmq shares one reference-counted body), so treat those
// as read-only; Release leaves them alone.
type Msg struct {
	Frames [][]byte
	// RoutingID names the peer of a SERVER or PEER: set on each message
	// they receive, and required on each they send. Other types leave it
	// zero and ignore it.
	RoutingID uint32
	// Group is a RADIO/DISH message's group (up to 255 bytes): required
	// on what a RADIO sends, set on what a DISH receives. Other types
	// leave it empty and ignore it.
	Group string
	meta  *zmtp.Metadata
	// lease is the read buffer small frames were lent from (see Release).
	lease *bufpool.Lease
}

// NewMsg returns a message of the given frames.
func NewMsg(frames ...[]byte) Msg { return Msg{Frames: frames} }

// NewMsgString returns a message of the given frames, as text.
func NewMsgString(frames ...string) Msg {
	m := Msg{Frames: make([][]byte, len(frames))}
	for i, f := range frames {
		m.Frames[i] = []byte(f)
	}
	return m
}

// Bytes returns the first frame, or nil for an empty message.
func (m Msg) Bytes() []byte {
	if len(m.Frames) == 0 {
		return nil
	}
	return m.Frames[0]
}

// String returns the frames as text joined by "|": a message of the frames
// "a" and "b" reads "a|b". It is for logs and examples: a frame that holds a
// "|" makes it ambiguous, so code that needs the frames reads Frames.
func (m Msg) String() string {
	switch len(m.Frames) {
	case 0:
		return ""
	case 1:
		return string(m.Frames[0])
	}
	n := 0
	for _, f := range m.Frames {
		n += len(f) + 1
	}
	b := make([]byte, 0, n)
	for i, f := range m.Frames {
		if i > 0 {
			b = append(b, '|')
		}
		b = append(b, f...)
	}
	return string(b)
}

// Property returns a property of the connection the message came in on:
// "Socket-Type", "Identity" and any other the peer sent in its handshake,
// "Peer-Address" (tcp), "User-Id" (set by authentication), and whatever the
// ZAP handler added. Names compare without regard to case.
func (m Msg) Property(name string) (string, bool) {
	if m.meta == nil {
		return "", false
	}
	if name == "Routing-Id" {
		name = "Identity"
	}
	return m.meta.Get(name)
}

// Release hands a received message's buffers back, to be reused by later
// receives instead of allocating new ones: optional, and worth it for
// messages received in a loop, as libzmq's zmq_msg_close is. Large frames
// have buffers of their own; small ones share the connection's read buffer,
// which is reused once every message lent from it has been released (tcp
// 256 B: 1.8-1.9 M msg/s without, 2.5-2.8 M with). The message and its
// frames must not be used afterwards, nor sent, and a message must be
// released once: releasing two copies of one Msg would hand back what
// another message still uses.
// Frames the library did not allocate are left alone.
func (m *Msg) Release() {
	for _, f := range m.Frames {
		bufpool.Put(f)
	}
	if m.lease != nil {
		m.lease.Release()
	}
	m.Frames, m.lease = nil, nil
}

// fromPipe is the message as the caller receives it; opMu is held. A
// DISH's message is [group, body] in the pipe (pipe.Msg): the group
// becomes Group, whose string the socket keeps while the group stays the
// same, so a stream of one group allocates nothing.
//
// It writes field by field: see pipe.Queue.Pop for why not by value.
func (s *Socket) fromPipe(m *Msg, pm *pipe.Msg) {
	m.Frames, m.RoutingID, m.meta, m.lease = pm.Frames, pm.RoutingID, pm.Meta, pm.Lease
	if s.typ == DISH && len(pm.Frames) == 2 {
		if string(pm.Frames[0]) != s.lastGroup {
			s.lastGroup = string(pm.Frames[0])
		}
		m.Group, m.Frames = s.lastGroup, pm.Frames[1:]
	}
}

// toPipe writes m to pm as the pipes carry it, field by field (see
// pipe.Queue.Pop); opMu is held. A RADIO's group goes before its body
// (radio.grouped).
//
// It leaves the read buffer's share behind: a message sent on may reach
// several receivers (a capture socket, a fan-out) that would each release
// it, so a forwarded buffer is simply not reused.
func (s *Socket) toPipe(pm *pipe.Msg, m *Msg) {
	pm.Frames, pm.RoutingID, pm.Meta = m.Frames, m.RoutingID, m.meta
	if s.typ == RADIO {
		pm.Frames = s.pat.(*radio).grouped(m.Group, m.Frames[0])
	}
}
