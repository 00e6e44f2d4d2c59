package engine

import (
	"bytes"
	"testing"

	"github.com/purezmq/zmq/internal/pipe"
	"github.com/purezmq/zmq/internal/zmtp"
)

// runOldScript feeds stream to a PULL-side engine that takes peers of any
// ZMTP version and returns what it delivered.
func runOldScript(stream []byte, maxMsgSize int64) []pipe.Msg {
	cfg := &Config{SocketType: "PULL", NewMechanism: zmtp.NewNull, MaxMsgSize: maxMsgSize, OldestZMTP: 1, Stats: &Stats{}}
	c, err := Handshake(&scriptedConn{in: bytes.NewReader(stream)}, cfg)
	if err != nil {
		return nil
	}
	p := pipe.New(0, 0, pipe.NewWake(), pipe.NewWake())
	_ = c.Run(p)
	msgs, _ := p.In.PopBatch(nil, 1<<30)
	return msgs
}

func checkLimit(t *testing.T, msgs []pipe.Msg, limit int) {
	for _, m := range msgs {
		for _, f := range m.Frames {
			if len(f) > limit {
				t.Fatalf("delivered a %d-byte frame past the limit", len(f))
			}
		}
	}
}

// FuzzOldHandshake: whatever a peer opens with, the greeting fallback and
// the old handshakes end in a peer or an error, never a panic or a hang.
func FuzzOldHandshake(f *testing.F) {
	f.Add(peerPrefix("PUSH"))
	f.Add(jeromqREQ)
	f.Add(append([]byte{0xFF, 0, 0, 0, 0, 0, 0, 0, 1, 0x7F, 1, 8}, 0, 0, 0, 1, 'x'))
	f.Add(libzmq2)
	f.Add(anonymousV1)
	f.Add(v1Versioned)
	f.Add([]byte("GET / HTTP/1.1\r\n\r\n"))
	f.Add([]byte{0xFF, 0, 0, 0, 0, 0, 0, 0, 9, 0x00})
	f.Fuzz(func(t *testing.T, data []byte) {
		checkLimit(t, runOldScript(data, 1<<16), 1<<16)
	})
}

// FuzzOldSession: frames after a ZMTP 1.0 or 2.0 handshake, read by that
// version's framing, never deliver past the size limit, panic or hang.
func FuzzOldSession(f *testing.F) {
	f.Add(byte(0), zmtp.FramingV1.AppendHeader(nil, 0, 0))
	f.Add(byte(1), append(zmtp.FramingV2.AppendHeader(nil, zmtp.FlagMore, 1), 'a', 0, 1, 'b'))
	f.Add(byte(0), []byte{0xFF, 0, 0, 0, 0, 0, 0, 1, 0, 1})
	f.Add(byte(1), []byte{0x02, 0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF})
	f.Add(byte(0), []byte{0, 0})
	v2Prefix := append([]byte{0xFF, 0, 0, 0, 0, 0, 0, 0, 1, 0x7F, 1, 8}, 0, 0)
	f.Fuzz(func(t *testing.T, version byte, data []byte) {
		prefix := anonymousV1
		if version&1 == 1 {
			prefix = v2Prefix
		}
		checkLimit(t, runOldScript(append(append([]byte(nil), prefix...), data...), 1<<16), 1<<16)
	})
}
