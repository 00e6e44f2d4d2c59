package engine

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"syscall"

	"github.com/purezmq/zmq/internal/pipe"
	"github.com/purezmq/zmq/internal/transport"
	"github.com/purezmq/zmq/internal/zmtp"
)

// UDPConfig is what a RADIO, DISH or DGRAM tells its udp engine.
type UDPConfig struct {
	// Raw is a DGRAM's: each message is [address, body], and the body
	// alone is the datagram, sent to or received from that address.
	// Otherwise a message is its Group and one body, in libzmq's RADIO
	// layout (transport.AppendDatagram).
	Raw bool
	// Send makes datagrams of what the socket queues (RADIO, DGRAM);
	// without it that is dropped (a DISH's JOINs and LEAVEs: over udp a
	// DISH takes every group and filters for itself, as in libzmq).
	Send bool
	// Recv makes messages of the datagrams received (DISH, DGRAM);
	// without it they are read and dropped.
	Recv bool
	// Log receives a line per datagram refused; nil logs nothing.
	Log *slog.Logger
	// Stats counts datagrams refused: malformed (ProtocolErrors) or too
	// long (OversizedMessages).
	Stats *Stats
}

// udpSession is one udp socket's reader and writer.
type udpSession struct {
	conn    *net.UDPConn
	pipe    *pipe.Pipe
	cfg     *UDPConfig
	quit    chan struct{}
	readErr error
	asm     assembler
	bodies  []byte // a slab the received bodies and addresses are carved from
}

// RunUDP moves messages between conn and p, one datagram each, until conn
// is closed or p.Out is closed for writing and drained; then it closes
// conn. It returns nil for a drained queue or a closed socket.
func RunUDP(conn *net.UDPConn, p *pipe.Pipe, cfg *UDPConfig) error {
	u := &udpSession{conn: conn, pipe: p, cfg: cfg, quit: make(chan struct{})}
	readerDone := make(chan error, 1)
	go func() { readerDone <- u.readLoop() }()
	err := u.writeLoop(readerDone)
	close(u.quit)
	conn.Close()
	if err == errReaderDone {
		err = u.readErr
	} else {
		<-readerDone
	}
	if err == errDrained || errors.Is(err, net.ErrClosed) {
		return nil
	}
	return err
}

func (u *udpSession) readLoop() error {
	u.readErr = u.receive()
	return u.readErr
}

func (u *udpSession) receive() error {
	// One byte more than the largest datagram taken, to tell one too long.
	buf := make([]byte, transport.MaxDatagram+1)
	for {
		n, from, err := u.conn.ReadFromUDPAddrPort(buf)
		if err != nil {
			if refused(err) {
				continue // an ICMP error for something sent: udp loses datagrams
			}
			return err
		}
		if !u.cfg.Recv {
			continue
		}
		m, err := u.decode(buf[:n], from)
		if err != nil {
			u.refuse(err, from)
			continue
		}
		if err := u.deliver(m); err != nil {
			return nil
		}
	}
}

// decode makes a message of datagram d from the given address.
func (u *udpSession) decode(d []byte, from netip.AddrPort) (pipe.Msg, error) {
	if len(d) > transport.MaxDatagram {
		return pipe.Msg{}, fmt.Errorf("%w: %w: over %d bytes", transport.ErrDatagram, zmtp.ErrTooLarge, transport.MaxDatagram)
	}
	if u.cfg.Raw {
		u.asm.add(u.carve(transport.AppendDatagramAddr(u.slab(), from)))
		u.asm.add(u.carve(append(u.slab(), d...)))
		return pipe.Msg{Frames: u.asm.finish()}, nil
	}
	group, body, err := transport.ParseDatagram(d)
	if err != nil {
		return pipe.Msg{}, err
	}
	u.asm.add(u.carve(append(u.slab(), group...)))
	u.asm.add(u.carve(append(u.slab(), body...)))
	return pipe.Msg{Frames: u.asm.finish()}, nil
}

// bodySlab is the size of the blocks received bodies and addresses are
// carved from: one allocation serves many datagrams.
const bodySlab = 64 << 10

// slab returns the free end of the current block, with room for the
// longest datagram or address.
func (u *udpSession) slab() []byte {
	if cap(u.bodies)-len(u.bodies) < transport.MaxDatagram+64 {
		u.bodies = make([]byte, 0, bodySlab)
	}
	return u.bodies[len(u.bodies):]
}

// carve takes b, just appended to slab(), out of the block, capped so that
// appending to it cannot reach what is carved next.
func (u *udpSession) carve(b []byte) []byte {
	start := len(u.bodies)
	u.bodies = u.bodies[:start+len(b)]
	return u.bodies[start:len(u.bodies):len(u.bodies)]
}

// refuse counts and logs a datagram that was dropped.
func (u *udpSession) refuse(err error, from netip.AddrPort) {
	if s := u.cfg.Stats; s != nil {
		if errors.Is(err, zmtp.ErrTooLarge) {
			s.OversizedMessages.Add(1)
		} else {
			s.ProtocolErrors.Add(1)
		}
	}
	logger(u.cfg.Log).Info("zmq: datagram dropped", "from", from.String(), "err", err)
}

// deliver hands m to the socket, waiting while its queue is full (the
// kernel then drops what arrives, as udp does).
func (u *udpSession) deliver(m pipe.Msg) error {
	one := [1]pipe.Msg{m}
	for u.pipe.In.PushBatch(one[:]) == 0 {
		select {
		case <-u.pipe.EngineIn:
		case <-u.quit:
			return errDrained
		}
	}
	return nil
}

func (u *udpSession) writeLoop(readerDone <-chan error) error {
	batch := make([]pipe.Msg, 0, writeBatch)
	buf := make([]byte, 0, transport.MaxDatagram)
	for {
		var closed bool
		batch, closed = u.pipe.Out.PopBatch(batch[:0], writeBatch)
		for _, m := range batch {
			var err error
			if buf, err = u.write(buf, m); err != nil {
				return err
			}
		}
		clear(batch)
		if len(batch) > 0 {
			continue
		}
		if closed {
			return errDrained
		}
		select {
		case <-u.pipe.EngineOut:
		case <-readerDone:
			return errReaderDone
		}
	}
}

// write sends m as one datagram. What cannot be sent (a bad address, a
// refusal from the far end) is dropped, as udp drops datagrams; only the
// socket's closing ends the loop.
func (u *udpSession) write(buf []byte, m pipe.Msg) ([]byte, error) {
	if !u.cfg.Send || m.Kind != pipe.Data {
		return buf, nil
	}
	var err error
	if u.cfg.Raw {
		if len(m.Frames) != 2 {
			return buf, nil
		}
		addr, ok := transport.ParseDatagramAddr(m.Frames[0])
		if !ok || len(m.Frames[1]) > transport.MaxDatagram {
			return buf, nil
		}
		_, err = u.conn.WriteToUDPAddrPort(m.Frames[1], addr)
	} else {
		if len(m.Frames) != 2 || len(m.Frames[0]) > transport.MaxDatagramGroup ||
			transport.DatagramSize(m.Frames[0], m.Frames[1]) > transport.MaxDatagram {
			return buf, nil
		}
		buf = transport.AppendDatagram(buf[:0], m.Frames[0], m.Frames[1])
		_, err = u.conn.Write(buf)
	}
	if err != nil && !errors.Is(err, net.ErrClosed) {
		logger(u.cfg.Log).Debug("zmq: datagram not sent", "err", err)
		err = nil
	}
	return buf, err
}

// refused tells the error a udp socket reports after an ICMP "port
// unreachable" for something it sent.
func refused(err error) bool { return errors.Is(err, syscall.ECONNREFUSED) }

func logger(l *slog.Logger) *slog.Logger {
	if l == nil {
		return discard
	}
	return l
}
