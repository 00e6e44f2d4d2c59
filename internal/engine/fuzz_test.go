package engine

import (
	"bytes"
	"errors"
	"io"
	"net"
	"testing"
	"time"

	"github.com/purezmq/zmq/internal/pipe"
	"github.com/purezmq/zmq/internal/zmtp"
)

// scriptedConn plays a recorded byte stream as the peer and swallows what
// the engine writes.
type scriptedConn struct {
	in io.Reader
}

func (c *scriptedConn) Read(b []byte) (int, error)       { return c.in.Read(b) }
func (c *scriptedConn) Write(b []byte) (int, error)      { return len(b), nil }
func (c *scriptedConn) Close() error                     { return nil }
func (c *scriptedConn) LocalAddr() net.Addr              { return &net.TCPAddr{} }
func (c *scriptedConn) RemoteAddr() net.Addr             { return &net.TCPAddr{} }
func (c *scriptedConn) SetDeadline(time.Time) error      { return nil }
func (c *scriptedConn) SetReadDeadline(time.Time) error  { return nil }
func (c *scriptedConn) SetWriteDeadline(time.Time) error { return nil }

func peerPrefix(socketType string) []byte {
	b := zmtp.Greeting{Major: 3, Minor: 1, Mechanism: "NULL"}.Append(nil)
	meta := zmtp.AppendMetadata(nil, zmtp.Metadata{{Name: "Socket-Type", Value: socketType}})
	return zmtp.AppendCommand(b, zmtp.CmdReady, meta)
}

// runScript feeds stream to a PULL-side engine and returns what it
// delivered.
func runScript(t testing.TB, stream []byte, maxMsgSize int64) []pipe.Msg {
	cfg := &Config{SocketType: "PULL", NewMechanism: zmtp.NewNull, MaxMsgSize: maxMsgSize, Stats: &Stats{}}
	c, err := Handshake(&scriptedConn{in: bytes.NewReader(stream)}, cfg)
	if err != nil {
		return nil
	}
	p := pipe.New(0, 0, pipe.NewWake(), pipe.NewWake())
	_ = c.Run(p)
	msgs, _ := p.In.PopBatch(nil, 1<<30)
	return msgs
}

func TestScriptedMessages(t *testing.T) {
	stream := peerPrefix("PUSH")
	stream = zmtp.AppendFrame(stream, zmtp.FlagMore, []byte("a"))
	stream = zmtp.AppendFrame(stream, 0, bytes.Repeat([]byte("b"), 300))
	stream = zmtp.AppendCommand(stream, zmtp.CmdPing, []byte{0, 10})
	stream = zmtp.AppendFrame(stream, 0, make([]byte, 100<<10))
	stream = zmtp.AppendFrame(stream, zmtp.FlagMore, []byte("partial")) // never finished
	msgs := runScript(t, stream, -1)
	if len(msgs) != 2 {
		t.Fatalf("delivered %d messages, want 2", len(msgs))
	}
	if len(msgs[0].Frames) != 2 || string(msgs[0].Frames[0]) != "a" || len(msgs[0].Frames[1]) != 300 {
		t.Fatalf("first message wrong: %q", msgs[0].Frames)
	}
	if len(msgs[1].Frames) != 1 || len(msgs[1].Frames[0]) != 100<<10 {
		t.Fatal("second message wrong")
	}
}

func FuzzSession(f *testing.F) {
	f.Add([]byte{})
	f.Add(zmtp.AppendFrame(nil, 0, []byte("hello")))
	f.Add(zmtp.AppendFrame(zmtp.AppendFrame(nil, zmtp.FlagMore, []byte("a")), 0, []byte("b")))
	f.Add(zmtp.AppendCommand(nil, zmtp.CmdPing, []byte{0, 1, 'x'}))
	f.Add(zmtp.AppendCommand(nil, zmtp.CmdSubscribe, []byte("topic")))
	f.Add([]byte{zmtp.FlagLong, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff})
	prefix := peerPrefix("PUSH")
	f.Fuzz(func(t *testing.T, data []byte) {
		msgs := runScript(t, append(append([]byte(nil), prefix...), data...), 1<<16)
		for _, m := range msgs {
			size := 0
			for _, fr := range m.Frames {
				size += len(fr)
			}
			if size > 1<<16 {
				t.Fatalf("delivered a %d-byte message past the limit", size)
			}
		}
	})
}

func FuzzHandshake(f *testing.F) {
	f.Add(peerPrefix("PUSH"))
	f.Add(peerPrefix("PUB"))
	f.Add([]byte{0xff, 0, 0, 0, 0, 0, 0, 0, 1, 0x7f, 1})
	f.Fuzz(func(t *testing.T, data []byte) {
		runScript(t, data, 1<<16)
	})
}

// libzmq 4.3.4's PLAIN server refuses with a mangled ERROR; our client must
// still report an authentication failure.
func TestMangledPlainErrorIsARefusal(t *testing.T) {
	stream := zmtp.Greeting{Major: 3, Minor: 1, Mechanism: "PLAIN", AsServer: true}.Append(nil)
	stream = zmtp.AppendCommand(stream, zmtp.CmdWelcome, nil)
	stream = append(stream, zmtp.FlagCommand, 9, '^', 'R', 'R', 'O', 'R', 3, '4', '0', '0')
	stats := &Stats{}
	cfg := &Config{
		SocketType:   "REQ",
		NewMechanism: func(c zmtp.Config) zmtp.Mechanism { return zmtp.NewPlainClient(c, "ann", "wrong") },
		Stats:        stats,
	}
	_, err := Handshake(&scriptedConn{in: bytes.NewReader(stream)}, cfg)
	if !errors.Is(err, zmtp.ErrAuth) {
		t.Fatalf("handshake ended with %v, want an authentication failure", err)
	}
	if stats.AuthFailures.Load() != 1 {
		t.Fatalf("auth failures counted: %d", stats.AuthFailures.Load())
	}
}
