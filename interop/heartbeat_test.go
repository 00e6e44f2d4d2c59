package interop

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	zmq4 "github.com/pebbe/zmq4"
	"github.com/purezmq/zmq"
)

const (
	hbIvl     = 100 * time.Millisecond
	hbTimeout = 300 * time.Millisecond
	// idle is how long the heartbeat tests leave a connection without
	// traffic: several heartbeat timeouts.
	idle = 700 * time.Millisecond
)

// idleFor waits d on ours with nothing to receive: a Recv that must time
// out. It fails the test if a message arrives.
func idleFor(t *testing.T, s *zmq.Socket, d time.Duration) {
	t.Helper()
	if err := s.SetOptions(zmq.WithRecvTimeout(d)); err != nil {
		t.Fatal(err)
	}
	defer s.SetOptions(zmq.WithRecvTimeout(-1))
	if m, err := s.Recv(ctxT(t)); !errors.Is(err, zmq.ErrAgain) {
		t.Fatalf("while idle: Recv = %q, %v; want ErrAgain", m.Frames, err)
	}
}

func lzHeartbeat(ivl, to time.Duration) func(*zmq4.Socket) error {
	return func(s *zmq4.Socket) error {
		if err := s.SetHeartbeatIvl(ivl); err != nil {
			return err
		}
		return s.SetHeartbeatTimeout(to)
	}
}

// TestHeartbeats: connections with heartbeats on one or both sides survive
// idle periods many heartbeat timeouts long, so each side answers the
// other's PINGs, and traffic flows after them.
func TestHeartbeats(t *testing.T) {
	cases := []struct {
		name         string
		ours, libzmq bool // who sends heartbeats
	}{
		{"both", true, true},
		{"ours-only", true, false},
		{"libzmq-only", false, true},
		// ours also asks libzmq to drop it after hbTimeout of silence,
		// which its PINGs every hbIvl must prevent.
		{"ours-with-ttl", true, true},
	}
	for _, c := range cases {
		for _, oursBinds := range []bool{true, false} {
			for _, tr := range transports {
				t.Run(fmt.Sprintf("%s/%s/%s", c.name, binderName(oursBinds), tr), func(t *testing.T) {
					t.Parallel() // mostly idle time
					var opts []zmq.Option
					if c.ours {
						ttl := time.Duration(0)
						if c.name == "ours-with-ttl" {
							ttl = hbTimeout
						}
						opts = append(opts, zmq.WithHeartbeat(hbIvl, hbTimeout, ttl))
					}
					ours := newOurs(t, zmq.DEALER, opts...)
					var setters []func(*zmq4.Socket) error
					if c.libzmq {
						setters = append(setters, lzHeartbeat(hbIvl, hbTimeout))
					}
					lz := newLZ(t, zmq.DEALER, setters...)
					mon := newLZMonitor(t, lz)
					connectPair(t, ourEnd{ours}, lzEnd{lz}, oursBinds, tr)
					for round := 0; round < 2; round++ {
						if round > 0 {
							idleFor(t, ours, idle)
						}
						oursSend(t, ours, []byte(fmt.Sprint("to libzmq ", round)))
						expectFrames(t, lzRecv(t, lz), frames(fmt.Sprint("to libzmq ", round)))
						lzSend(t, lz, []byte(fmt.Sprint("to ours ", round)))
						expectFrames(t, oursRecvMsg(t, ours).Frames, frames(fmt.Sprint("to ours ", round)))
					}
					if st := ours.Stats(); st.HeartbeatTimeouts != 0 {
						t.Errorf("ours dropped libzmq for silence: %+v", st)
					}
					for _, ev := range mon.drain() {
						if ev == zmq4.EVENT_DISCONNECTED {
							t.Errorf("libzmq saw the connection drop")
						}
					}
				})
			}
		}
	}
}

// rawPeer speaks just enough ZMTP 3.1 (NULL) to get through the handshake,
// then goes silent, reading and recording what ours sends.
type rawPeer struct {
	conn net.Conn
	// commands are the names of the commands ours sent after the greeting.
	commands []string
}

func (p *rawPeer) handshake(t *testing.T, socketType string) {
	t.Helper()
	greeting := make([]byte, 64)
	greeting[0], greeting[9], greeting[10], greeting[11] = 0xFF, 0x7F, 3, 1
	copy(greeting[12:], "NULL")
	var ready []byte
	ready = append(ready, 5)
	ready = append(ready, "READY"...)
	ready = append(ready, byte(len("Socket-Type")))
	ready = append(ready, "Socket-Type"...)
	ready = binary.BigEndian.AppendUint32(ready, uint32(len(socketType)))
	ready = append(ready, socketType...)
	out := append(greeting, 0x04, byte(len(ready)))
	out = append(out, ready...)
	_ = p.conn.SetDeadline(time.Now().Add(timeout))
	if _, err := p.conn.Write(out); err != nil {
		t.Fatalf("raw peer: writing handshake: %v", err)
	}
	peerGreeting := make([]byte, 64)
	if _, err := io.ReadFull(p.conn, peerGreeting); err != nil {
		t.Fatalf("raw peer: reading greeting: %v", err)
	}
	if peerGreeting[0] != 0xFF || peerGreeting[9] != 0x7F || peerGreeting[10] != 3 {
		t.Fatalf("raw peer: bad greeting % x", peerGreeting)
	}
	if name, _, err := p.readCommand(); err != nil || name != "READY" {
		t.Fatalf("raw peer: expected READY, got %q, %v", name, err)
	}
}

// readCommand reads one frame; it must be a command.
func (p *rawPeer) readCommand() (string, []byte, error) {
	var hdr [9]byte
	if _, err := io.ReadFull(p.conn, hdr[:2]); err != nil {
		return "", nil, err
	}
	flags := hdr[0]
	var size uint64
	if flags&0x02 != 0 {
		if _, err := io.ReadFull(p.conn, hdr[2:9]); err != nil {
			return "", nil, err
		}
		size = binary.BigEndian.Uint64(hdr[1:9])
	} else {
		size = uint64(hdr[1])
	}
	if size > 1<<16 {
		return "", nil, fmt.Errorf("frame of %d bytes", size)
	}
	body := make([]byte, size)
	if _, err := io.ReadFull(p.conn, body); err != nil {
		return "", nil, err
	}
	if flags&0x04 == 0 {
		return "", nil, fmt.Errorf("message frame %q", body)
	}
	if len(body) == 0 || int(body[0]) >= len(body) {
		return "", nil, fmt.Errorf("bad command %q", body)
	}
	return string(body[1 : 1+body[0]]), body[1+body[0]:], nil
}

// silentUntilDropped reads until ours closes the connection, recording the
// commands, and reports how long that took.
func (p *rawPeer) silentUntilDropped(t *testing.T) time.Duration {
	t.Helper()
	start := time.Now()
	_ = p.conn.SetDeadline(start.Add(timeout))
	for {
		name, _, err := p.readCommand()
		if err != nil {
			if errors.Is(err, io.EOF) || errors.Is(err, net.ErrClosed) || isConnReset(err) {
				return time.Since(start)
			}
			t.Fatalf("raw peer: after %v and commands %v: %v", time.Since(start), p.commands, err)
		}
		p.commands = append(p.commands, name)
	}
}

func isConnReset(err error) bool {
	return err != nil && strings.Contains(err.Error(), "connection reset")
}

func dialRaw(t *testing.T, ep string) net.Conn {
	t.Helper()
	network, addr, _ := strings.Cut(ep, "://")
	if network == "ipc" {
		network = "unix"
	}
	c, err := net.DialTimeout(network, addr, timeout)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// TestSilentPeerDropped: a peer that completes the handshake and then says
// nothing, not even PONG, is dropped by ours after the heartbeat timeout,
// ours having sent it PINGs.
func TestSilentPeerDropped(t *testing.T) {
	for _, tr := range transports {
		t.Run("ours-binds/"+tr, func(t *testing.T) {
			ours := newOurs(t, zmq.PULL, zmq.WithHeartbeat(hbIvl, hbTimeout, 0))
			ep := oursBind(t, ours, bindAddr(t, tr))
			p := &rawPeer{conn: dialRaw(t, ep)}
			p.handshake(t, "PUSH")
			took := p.silentUntilDropped(t)
			checkSilentDrop(t, ours, p, took)
		})
		t.Run("ours-connects/"+tr, func(t *testing.T) {
			network, addr := "tcp", "127.0.0.1:0"
			if tr == "ipc" {
				network, addr = "unix", ipcPath(t)
			}
			l, err := net.Listen(network, addr)
			must(t, err)
			t.Cleanup(func() { l.Close() })
			ep := tr + "://" + l.Addr().String()
			ours := newOurs(t, zmq.PUSH,
				zmq.WithHeartbeat(hbIvl, hbTimeout, 0),
				zmq.WithReconnectInterval(20*time.Millisecond, 0))
			oursConnect(t, ours, ep)
			accept := func() net.Conn {
				t.Helper()
				type res struct {
					c   net.Conn
					err error
				}
				ch := make(chan res, 1)
				go func() { c, err := l.Accept(); ch <- res{c, err} }()
				select {
				case r := <-ch:
					must(t, r.err)
					t.Cleanup(func() { r.c.Close() })
					return r.c
				case <-time.After(timeout):
					l.Close()
					<-ch
					t.Fatal("ours did not connect")
				}
				return nil
			}
			p := &rawPeer{conn: accept()}
			p.handshake(t, "PULL")
			took := p.silentUntilDropped(t)
			checkSilentDrop(t, ours, p, took)
			// A connecting socket redials the peer it dropped.
			p2 := &rawPeer{conn: accept()}
			p2.handshake(t, "PULL")
		})
	}
}

func checkSilentDrop(t *testing.T, ours *zmq.Socket, p *rawPeer, took time.Duration) {
	t.Helper()
	eventually(t, timeout, "ours counts a heartbeat timeout", func() bool {
		return ours.Stats().HeartbeatTimeouts > 0
	})
	if took > 3*time.Second {
		t.Errorf("dropping the silent peer took %v; heartbeat timeout is %v", took, hbTimeout)
	}
	pings := 0
	for _, c := range p.commands {
		if c == "PING" {
			pings++
		}
	}
	if pings == 0 {
		t.Errorf("ours sent no PING before dropping the silent peer; commands: %v", p.commands)
	}
	t.Logf("dropped after %v, commands %v", took, p.commands)
}
