package engine

import (
	"bytes"
	"errors"
	"io"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/purezmq/zmq/internal/pipe"
	"github.com/purezmq/zmq/internal/transport"
	"github.com/purezmq/zmq/internal/zmtp"
)

// runAs feeds stream to an engine of the given configuration and returns
// what it delivered and how the connection ended (nil for the end of the
// stream). Each further segment is read on its own, so what came before it
// is delivered before it is read.
func runAs(t testing.TB, cfg *Config, stream []byte, segments ...[]byte) ([]pipe.Msg, error) {
	if cfg.NewMechanism == nil {
		cfg.NewMechanism = zmtp.NewNull
	}
	if cfg.Stats == nil {
		cfg.Stats = &Stats{}
	}
	if cfg.MaxMsgSize == 0 {
		cfg.MaxMsgSize = -1
	}
	readers := []io.Reader{bytes.NewReader(stream)}
	for _, seg := range segments {
		readers = append(readers, bytes.NewReader(seg))
	}
	c, err := Handshake(&scriptedConn{in: io.MultiReader(readers...)}, cfg)
	if err != nil {
		return nil, err
	}
	p := pipe.New(0, 0, pipe.NewWake(), pipe.NewWake())
	err = c.Run(p)
	msgs, _ := p.In.PopBatch(nil, 1<<30)
	if errors.Is(err, io.EOF) {
		err = nil
	}
	return msgs, err
}

func bodies(msgs []pipe.Msg) []string {
	var out []string
	for _, m := range msgs {
		var fs []string
		for _, f := range m.Frames {
			fs = append(fs, string(f))
		}
		s := strings.Join(fs, "+")
		switch m.Kind {
		case pipe.Join:
			s = "JOIN " + s
		case pipe.Leave:
			s = "LEAVE " + s
		}
		out = append(out, s)
	}
	return out
}

// A draft type takes single-part messages only: a peer that sends a
// multipart one is dropped, what came before it delivered.
func TestMultipartToDraftTypeDropsPeer(t *testing.T) {
	for _, pair := range [][2]string{{"SERVER", "CLIENT"}, {"CLIENT", "SERVER"}, {"GATHER", "SCATTER"}, {"PEER", "PEER"}, {"CHANNEL", "CHANNEL"}} {
		t.Run(pair[0], func(t *testing.T) {
			stream := zmtp.AppendFrame(peerPrefix(pair[1]), 0, []byte("one"))
			bad := zmtp.AppendFrame(nil, zmtp.FlagMore, []byte("two"))
			bad = zmtp.AppendFrame(bad, 0, []byte("parts"))
			bad = zmtp.AppendFrame(bad, 0, []byte("after"))
			stats := &Stats{}
			msgs, err := runAs(t, &Config{SocketType: pair[0], Parts: OnePart, Stats: stats}, stream, bad)
			if !errors.Is(err, zmtp.ErrProtocol) {
				t.Fatalf("connection ended with %v, want ErrProtocol", err)
			}
			if got := bodies(msgs); len(got) != 1 || got[0] != "one" {
				t.Fatalf("delivered %q, want [one]", got)
			}
			if stats.ProtocolErrors.Load() != 1 {
				t.Fatalf("protocol errors counted: %d", stats.ProtocolErrors.Load())
			}
		})
	}
}

// A DISH reads each message as a group frame and a body frame.
func TestDishReadsGroups(t *testing.T) {
	long := strings.Repeat("g", zmtp.MaxGroupLength)
	good := peerPrefix("RADIO")
	for _, m := range [][2]string{{"weather", "22C"}, {"weather", "23C"}, {"news", ""}, {long, "long"}} {
		good = zmtp.AppendFrame(good, zmtp.FlagMore, []byte(m[0]))
		good = zmtp.AppendFrame(good, 0, []byte(m[1]))
	}
	msgs, err := runAs(t, &Config{SocketType: "DISH", Parts: GroupAndBody}, good)
	if err != nil {
		t.Fatalf("connection ended with %v", err)
	}
	// The group stays the message's first frame (pipe.Msg).
	want := []string{"weather+22C", "weather+23C", "news+", long + "+long"}
	if got := bodies(msgs); strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("delivered %q, want %q", got, want)
	}

	bad := map[string][]byte{
		"no group frame":   zmtp.AppendFrame(nil, 0, []byte("body")),
		"group too long":   zmtp.AppendFrame(zmtp.AppendFrame(nil, zmtp.FlagMore, []byte(long+"g")), 0, nil),
		"multipart body":   zmtp.AppendFrame(zmtp.AppendFrame(nil, zmtp.FlagMore, []byte("g")), zmtp.FlagMore, nil),
		"three parts, end": zmtp.AppendFrame(zmtp.AppendFrame(zmtp.AppendFrame(nil, zmtp.FlagMore, []byte("g")), zmtp.FlagMore, nil), 0, nil),
	}
	for name, tail := range bad {
		t.Run(name, func(t *testing.T) {
			stream := zmtp.AppendFrame(zmtp.AppendFrame(peerPrefix("RADIO"), zmtp.FlagMore, []byte("g")), 0, []byte("first"))
			msgs, err := runAs(t, &Config{SocketType: "DISH", Parts: GroupAndBody}, stream, tail)
			if !errors.Is(err, zmtp.ErrProtocol) {
				t.Fatalf("connection ended with %v, want ErrProtocol", err)
			}
			if got := bodies(msgs); len(got) != 1 || got[0] != "g+first" {
				t.Fatalf("delivered %q, want [g+first]", got)
			}
		})
	}
}

// A RADIO turns a DISH's JOIN and LEAVE commands into messages; other
// types ignore them; a group longer than libzmq allows drops the peer.
func TestRadioReadsJoins(t *testing.T) {
	stream := peerPrefix("DISH")
	stream = zmtp.AppendCommand(stream, zmtp.CmdJoin, []byte("weather"))
	stream = zmtp.AppendCommand(stream, zmtp.CmdJoin, []byte("news"))
	stream = zmtp.AppendCommand(stream, zmtp.CmdLeave, []byte("weather"))
	msgs, err := runAs(t, &Config{SocketType: "RADIO", Parts: OnePart}, stream)
	if err != nil {
		t.Fatal(err)
	}
	want := "JOIN weather|JOIN news|LEAVE weather"
	if got := strings.Join(bodies(msgs), "|"); got != want {
		t.Fatalf("delivered %q, want %q", got, want)
	}

	msgs, err = runAs(t, &Config{SocketType: "SERVER", Parts: OnePart}, zmtp.AppendCommand(peerPrefix("CLIENT"), zmtp.CmdJoin, []byte("g")))
	if err != nil || len(msgs) != 0 {
		t.Fatalf("a SERVER took a JOIN: %q, %v", bodies(msgs), err)
	}

	tooLong := zmtp.AppendCommand(peerPrefix("DISH"), zmtp.CmdJoin, bytes.Repeat([]byte("g"), zmtp.MaxGroupLength+1))
	if _, err := runAs(t, &Config{SocketType: "RADIO", Parts: OnePart}, tooLong); !errors.Is(err, zmtp.ErrProtocol) {
		t.Fatalf("a JOIN of 256 bytes ended the connection with %v, want ErrProtocol", err)
	}
}

// recordConn keeps what is written to it.
type recordConn struct {
	scriptedConn
	out bytes.Buffer
}

func (c *recordConn) Write(b []byte) (int, error) { return c.out.Write(b) }

// A RADIO writes each message's group frame before its body, and a DISH
// writes JOIN and LEAVE commands, as libzmq 4.3 does.
func TestRadioDishWire(t *testing.T) {
	conn := &recordConn{}
	o := &output{conn: conn}
	for _, m := range []pipe.Msg{
		{Frames: [][]byte{[]byte("weather"), []byte("22C")}},
		{Kind: pipe.Join, Frames: [][]byte{[]byte("news")}},
		{Kind: pipe.Leave, Frames: [][]byte{[]byte("news")}},
	} {
		if err := o.message(m); err != nil {
			t.Fatal(err)
		}
	}
	if err := o.flush(); err != nil {
		t.Fatal(err)
	}
	want := zmtp.AppendFrame(nil, zmtp.FlagMore, []byte("weather"))
	want = zmtp.AppendFrame(want, 0, []byte("22C"))
	want = append(want, zmtp.FlagCommand, 9, 4, 'J', 'O', 'I', 'N', 'n', 'e', 'w', 's')
	want = append(want, zmtp.FlagCommand, 10, 5, 'L', 'E', 'A', 'V', 'E', 'n', 'e', 'w', 's')
	if !bytes.Equal(conn.out.Bytes(), want) {
		t.Fatalf("wrote\n% x\nwant\n% x", conn.out.Bytes(), want)
	}
}

func TestUDPDecode(t *testing.T) {
	from := netip.MustParseAddrPort("127.0.0.1:5555")
	u := &udpSession{cfg: &UDPConfig{Recv: true}}
	var msgs []pipe.Msg
	for i := 0; i < 20; i++ { // past a slab's end
		m, err := u.decode(transport.AppendDatagram(nil, []byte("g"), bytes.Repeat([]byte{byte(i)}, 8000)), from)
		if err != nil {
			t.Fatal(err)
		}
		msgs = append(msgs, m)
	}
	for i, m := range msgs {
		if len(m.Frames) != 2 || string(m.Frames[0]) != "g" || !bytes.Equal(m.Frames[1], bytes.Repeat([]byte{byte(i)}, 8000)) {
			t.Fatalf("message %d was overwritten", i)
		}
		if cap(m.Frames[0]) != len(m.Frames[0]) || cap(m.Frames[1]) != len(m.Frames[1]) {
			t.Fatalf("message %d's body is not capped", i)
		}
	}
	raw := &udpSession{cfg: &UDPConfig{Raw: true, Recv: true}}
	m, err := raw.decode([]byte("datagram"), from)
	if err != nil || len(m.Frames) != 2 || string(m.Frames[0]) != "127.0.0.1:5555" || string(m.Frames[1]) != "datagram" {
		t.Fatalf("raw decode: %q, %v", m.Frames, err)
	}
	if _, err := u.decode(make([]byte, transport.MaxDatagram+1), from); !errors.Is(err, zmtp.ErrTooLarge) {
		t.Fatalf("an oversized datagram: %v", err)
	}
}

// A udp engine counts and logs the datagrams it refuses, and carries on.
func TestUDPRefusesBadDatagrams(t *testing.T) {
	ln, conn, err := transport.ListenUDP(transport.Endpoint{Transport: transport.UDP, Address: "127.0.0.1:*"}, transport.Tuning{})
	if err != nil {
		t.Fatal(err)
	}
	stats := &Stats{}
	readable := pipe.NewWake()
	p := pipe.New(0, 0, readable, pipe.NewWake())
	done := make(chan error, 1)
	go func() { done <- RunUDP(conn, p, &UDPConfig{Recv: true, Stats: stats}) }()
	ep, _ := transport.Parse(ln.Endpoint())
	sender, err := transport.DialUDP(ep, transport.Tuning{})
	if err != nil {
		t.Fatal(err)
	}
	defer sender.Close()
	for _, d := range [][]byte{
		{},
		{9, 'g'},
		make([]byte, transport.MaxDatagram+100),
		transport.AppendDatagram(nil, []byte("g"), []byte("good")),
	} {
		if _, err := sender.Write(d); err != nil {
			t.Fatal(err)
		}
	}
	var msgs []pipe.Msg
	deadline := time.After(10 * time.Second)
	for len(msgs) == 0 {
		if msgs, _ = p.In.PopBatch(nil, 10); len(msgs) > 0 {
			break
		}
		select {
		case <-readable:
		case <-deadline:
			t.Fatal("no message delivered")
		}
	}
	if got := bodies(msgs); len(got) != 1 || got[0] != "g+good" {
		t.Fatalf("delivered %q", got)
	}
	if stats.ProtocolErrors.Load() != 2 || stats.OversizedMessages.Load() != 1 {
		t.Fatalf("counted %d malformed and %d oversized, want 2 and 1", stats.ProtocolErrors.Load(), stats.OversizedMessages.Load())
	}
	conn.Close()
	if err := <-done; err != nil {
		t.Fatalf("RunUDP ended with %v", err)
	}
}

func FuzzDishSession(f *testing.F) {
	f.Add(zmtp.AppendFrame(zmtp.AppendFrame(nil, zmtp.FlagMore, []byte("g")), 0, []byte("b")))
	f.Add(zmtp.AppendFrame(nil, 0, []byte("b")))
	f.Add(zmtp.AppendFrame(nil, zmtp.FlagMore, bytes.Repeat([]byte("g"), 300)))
	prefix := peerPrefix("RADIO")
	f.Fuzz(func(t *testing.T, data []byte) {
		msgs, _ := runAs(t, &Config{SocketType: "DISH", Parts: GroupAndBody, MaxMsgSize: 1 << 16}, append(append([]byte(nil), prefix...), data...))
		for _, m := range msgs {
			if len(m.Frames) != 2 || len(m.Frames[0]) > zmtp.MaxGroupLength || m.Kind != pipe.Data {
				t.Fatalf("delivered %d frames, kind %d", len(m.Frames), m.Kind)
			}
		}
	})
}

func FuzzRadioSession(f *testing.F) {
	f.Add(zmtp.AppendCommand(nil, zmtp.CmdJoin, []byte("weather")))
	f.Add(zmtp.AppendCommand(nil, zmtp.CmdLeave, []byte("weather")))
	f.Add(zmtp.AppendCommand(nil, zmtp.CmdJoin, bytes.Repeat([]byte("g"), 300)))
	f.Add(zmtp.AppendFrame(nil, 0, []byte("data")))
	prefix := peerPrefix("DISH")
	f.Fuzz(func(t *testing.T, data []byte) {
		msgs, _ := runAs(t, &Config{SocketType: "RADIO", Parts: OnePart, MaxMsgSize: 1 << 16}, append(append([]byte(nil), prefix...), data...))
		for _, m := range msgs {
			if len(m.Frames) != 1 || m.Kind != pipe.Data && len(m.Frames[0]) > zmtp.MaxGroupLength {
				t.Fatalf("delivered kind %d, %d frames, first of %d bytes", m.Kind, len(m.Frames), len(m.Frames[0]))
			}
		}
	})
}

func FuzzUDPDecode(f *testing.F) {
	f.Add(transport.AppendDatagram(nil, []byte("weather"), []byte("22C")), false)
	f.Add([]byte("raw datagram"), true)
	f.Add([]byte{}, false)
	from := netip.MustParseAddrPort("127.0.0.1:5555")
	f.Fuzz(func(t *testing.T, d []byte, raw bool) {
		u := &udpSession{cfg: &UDPConfig{Raw: raw, Recv: true}}
		m, err := u.decode(d, from)
		if err != nil {
			return
		}
		switch {
		case raw && (len(m.Frames) != 2 || !bytes.Equal(m.Frames[1], d)):
			t.Fatalf("raw %q decoded as %q", d, m.Frames)
		case !raw && (len(m.Frames) != 2 || transport.DatagramSize(m.Frames[0], m.Frames[1]) != len(d)):
			t.Fatalf("%q decoded as %q", d, m.Frames)
		}
	})
}
