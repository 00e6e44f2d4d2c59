package zmtp

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestAppendCommandVectors(t *testing.T) {
	tests := []struct {
		name string
		cmd  Command
		want []byte
	}{
		{"READY REQ", ReadyCommand(Metadata{{"Socket-Type", "REQ"}}),
			append([]byte{0x04, 0x19, 0x05}, "READY\x0bSocket-Type\x00\x00\x00\x03REQ"...)},
		{"READY empty", ReadyCommand(nil), append([]byte{0x04, 0x06, 0x05}, "READY"...)},
		{"ERROR", ErrorCommand("400"), append([]byte{0x04, 0x0a, 0x05}, "ERROR\x03400"...)},
		{"PING", PingCommand(30*time.Second, []byte("ab")),
			append([]byte{0x04, 0x09, 0x04}, "PING\x01\x2cab"...)},
		{"PONG", PongCommand([]byte("ab")), append([]byte{0x04, 0x07, 0x04}, "PONGab"...)},
		{"SUBSCRIBE", Command{CmdSubscribe, []byte("topic")},
			append([]byte{0x04, 0x0f, 0x09}, "SUBSCRIBEtopic"...)},
		{"CANCEL empty", Command{CmdCancel, nil}, append([]byte{0x04, 0x07, 0x06}, "CANCEL"...)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.cmd.Append(nil)
			if !bytes.Equal(got, tt.want) {
				t.Fatalf("got  % x\nwant % x", got, tt.want)
			}
		})
	}
}

// A command whose name and body fill 255 bytes is short; one more byte
// makes it long.
func TestAppendCommandSizeBoundary(t *testing.T) {
	for _, total := range []int{255, 256} {
		body := bytes.Repeat([]byte{'b'}, total-1-len(CmdMessage))
		wire := AppendCommand(nil, CmdMessage, body)
		flags, size, n, err := ParseFrameHeader(wire)
		if err != nil || size != uint64(total) || flags&FlagCommand == 0 {
			t.Fatalf("total %d: flags %#x size %d err %v", total, flags, size, err)
		}
		if long := flags&FlagLong != 0; long != (total > 255) || n != len(wire)-total {
			t.Fatalf("total %d: long=%v n=%d", total, long, n)
		}
		cmd, err := ParseCommand(wire[n:])
		if err != nil || cmd.Name != CmdMessage || !bytes.Equal(cmd.Body, body) {
			t.Fatalf("total %d: parse %v %v", total, cmd.Name, err)
		}
	}
}

func TestAppendCommandBadNamePanics(t *testing.T) {
	for _, name := range []string{"", strings.Repeat("N", 256)} {
		func() {
			defer func() {
				if recover() == nil {
					t.Fatalf("name of %d bytes: no panic", len(name))
				}
			}()
			AppendCommand(nil, name, nil)
		}()
	}
}

func TestParseCommand(t *testing.T) {
	tests := []struct {
		name     string
		in       []byte
		wantName string
		wantBody []byte
		wantErr  bool
	}{
		{"ready", []byte("\x05READYbody"), "READY", []byte("body"), false},
		{"name only", []byte("\x04PING"), "PING", []byte{}, false},
		{"255-byte name", append([]byte{0xFF}, strings.Repeat("N", 255)...), strings.Repeat("N", 255), []byte{}, false},
		{"empty", nil, "", nil, true},
		{"zero name", []byte("\x00body"), "", nil, true},
		{"name truncated", []byte("\x05READ"), "", nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cmd, err := ParseCommand(tt.in)
			if tt.wantErr {
				if !errors.Is(err, ErrProtocol) {
					t.Fatalf("err = %v, want ErrProtocol", err)
				}
				return
			}
			if err != nil || cmd.Name != tt.wantName || !bytes.Equal(cmd.Body, tt.wantBody) {
				t.Fatalf("got %q % x %v", cmd.Name, cmd.Body, err)
			}
		})
	}
}

func TestParseCommandBodyAliases(t *testing.T) {
	in := []byte("\x05READYxy")
	cmd, err := ParseCommand(in)
	if err != nil {
		t.Fatal(err)
	}
	in[6] = 'Q'
	if cmd.Body[0] != 'Q' {
		t.Fatal("body does not alias the frame")
	}
}

func TestErrorCommand(t *testing.T) {
	long := strings.Repeat("r", 300)
	cmd := ErrorCommand(long)
	if cmd.Name != CmdError || len(cmd.Body) != 256 || cmd.Body[0] != 255 {
		t.Fatalf("long reason: name %q, body %d bytes, len byte %d", cmd.Name, len(cmd.Body), cmd.Body[0])
	}
	for _, reason := range []string{"", "400", long[:255]} {
		got, err := ParseErrorReason(ErrorCommand(reason).Body)
		if err != nil || got != reason {
			t.Fatalf("round trip %q: %q %v", reason, got, err)
		}
	}
}

func TestParseErrorReason(t *testing.T) {
	tests := []struct {
		in      []byte
		want    string
		wantErr bool
	}{
		{[]byte("\x03400"), "400", false},
		{[]byte("\x00"), "", false},
		{[]byte("\x03400extra"), "400", false},
		{nil, "", true},
		{[]byte("\x0540"), "", true},
	}
	for _, tt := range tests {
		got, err := ParseErrorReason(tt.in)
		if tt.wantErr != (err != nil) || got != tt.want {
			t.Fatalf("% x: got %q %v", tt.in, got, err)
		}
		if err != nil && !errors.Is(err, ErrProtocol) {
			t.Fatalf("% x: %v does not wrap ErrProtocol", tt.in, err)
		}
	}
}

func TestPingCommand(t *testing.T) {
	ctx17 := bytes.Repeat([]byte{'c'}, 17)
	tests := []struct {
		name string
		ttl  time.Duration
		ctx  []byte
		want []byte
	}{
		{"zero", 0, nil, []byte{0, 0}},
		{"30s", 30 * time.Second, []byte("ab"), []byte("\x01\x2cab")},
		{"rounds down", 199 * time.Millisecond, nil, []byte{0, 1}},
		{"negative", -time.Second, nil, []byte{0, 0}},
		{"max", 6553500 * time.Millisecond, nil, []byte{0xFF, 0xFF}},
		{"clamped", time.Hour * 10, nil, []byte{0xFF, 0xFF}},
		{"context cut", 0, ctx17, append([]byte{0, 0}, ctx17[:16]...)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cmd := PingCommand(tt.ttl, tt.ctx)
			if cmd.Name != CmdPing || !bytes.Equal(cmd.Body, tt.want) {
				t.Fatalf("got %q % x, want % x", cmd.Name, cmd.Body, tt.want)
			}
		})
	}
}

func TestParsePing(t *testing.T) {
	ctx20 := bytes.Repeat([]byte{'c'}, 20)
	tests := []struct {
		name    string
		in      []byte
		ttl     time.Duration
		ctx     []byte
		wantErr bool
	}{
		{"ttl only", []byte{0x01, 0x2c}, 30 * time.Second, []byte{}, false},
		{"context", []byte("\x00\x0aping-id"), time.Second, []byte("ping-id"), false},
		{"max ttl", []byte{0xFF, 0xFF}, 6553500 * time.Millisecond, []byte{}, false},
		{"long context cut", append([]byte{0, 0}, ctx20...), 0, ctx20[:16], false},
		{"empty", nil, 0, nil, true},
		{"one byte", []byte{0x01}, 0, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ttl, ctx, err := ParsePing(tt.in)
			if tt.wantErr {
				if !errors.Is(err, ErrProtocol) {
					t.Fatalf("err = %v, want ErrProtocol", err)
				}
				return
			}
			if err != nil || ttl != tt.ttl || !bytes.Equal(ctx, tt.ctx) {
				t.Fatalf("got %v % x %v", ttl, ctx, err)
			}
		})
	}
}

func TestPongCommandCopies(t *testing.T) {
	ctx := []byte("0123456789abcdefXYZ")
	cmd := PongCommand(ctx)
	ctx[0] = '!'
	if cmd.Name != CmdPong || string(cmd.Body) != "0123456789abcdef" {
		t.Fatalf("got %q %q", cmd.Name, cmd.Body)
	}
}

// libzmq 4.3's DISH sends JOIN and LEAVE with the group as the whole body.
func TestJoinLeaveWire(t *testing.T) {
	wire := AppendCommand(nil, CmdJoin, []byte("weather"))
	want := append([]byte{FlagCommand, 12, 4}, "JOINweather"...)
	if !bytes.Equal(wire, want) {
		t.Fatalf("JOIN is % x, want % x", wire, want)
	}
	tests := []struct {
		name    string
		body    []byte
		wantErr bool
	}{
		{"group", []byte("weather"), false},
		{"empty group", nil, false},
		{"longest group", bytes.Repeat([]byte("g"), MaxGroupLength), false},
		{"too long", bytes.Repeat([]byte("g"), MaxGroupLength+1), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, name := range []string{CmdJoin, CmdLeave} {
				_, _, n, _ := ParseFrameHeader(AppendCommand(nil, name, tt.body))
				cmd, err := ParseCommand(AppendCommand(nil, name, tt.body)[n:])
				if err != nil || cmd.Name != name {
					t.Fatalf("ParseCommand: %q, %v", cmd.Name, err)
				}
				group, err := ParseGroup(cmd.Body)
				if tt.wantErr {
					if !errors.Is(err, ErrProtocol) {
						t.Fatalf("ParseGroup of %d bytes: %v, want ErrProtocol", len(tt.body), err)
					}
					continue
				}
				if err != nil || !bytes.Equal(group, tt.body) {
					t.Fatalf("ParseGroup = %q, %v", group, err)
				}
			}
		})
	}
}
