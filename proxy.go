package zmq

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
)

// Proxy connects frontend and backend: what either receives the other
// sends, and capture, if not nil, gets a copy of both directions. It is
// zmq_proxy: ROUTER/DEALER make the request-reply broker, XSUB/XPUB the
// pub-sub forwarder, PULL/PUSH the pipeline streamer. It returns when one of
// the sockets is closed (ErrClosed) or fails.
func Proxy(frontend, backend, capture *Socket) error {
	return ProxySteerable(context.Background(), frontend, backend, capture, nil)
}

// ProxySteerable is Proxy under control: it also returns when ctx is done,
// and takes commands from control, as zmq_proxy_steerable does: "PAUSE"
// stops forwarding, "RESUME" starts again, "TERMINATE" ends the proxy (nil
// error), "STATISTICS" replies with eight 8-byte frames: messages and bytes
// received and sent by the frontend, then the same for the backend.
func ProxySteerable(ctx context.Context, frontend, backend, capture, control *Socket) error {
	p := &proxy{front: frontend, back: backend, capture: capture, control: control}
	return p.run(ctx)
}

type proxy struct {
	front, back, capture, control *Socket
	paused                        bool
	stats                         proxyStats
}

// proxyStats counts messages and bytes in and out of each side.
type proxyStats struct {
	frontIn, frontOut, backIn, backOut counter
}

type counter struct{ msgs, bytes uint64 }

func (c *counter) add(m Msg) {
	c.msgs++
	for _, f := range m.Frames {
		c.bytes += uint64(len(f))
	}
}

var errTerminate = errors.New("proxy terminated")

func (p *proxy) run(ctx context.Context) error {
	poller := NewPoller()
	poller.Add(p.front, PollIn)
	poller.Add(p.back, PollIn)
	if p.control != nil {
		poller.Add(p.control, PollIn)
	}
	for {
		ready, err := poller.Poll(ctx)
		if err != nil {
			return err
		}
		for _, r := range ready {
			if err := p.serve(ctx, r.Socket); err == errTerminate {
				return nil
			} else if err != nil {
				return err
			}
		}
	}
}

func (p *proxy) serve(ctx context.Context, s *Socket) error {
	switch {
	case s == p.control:
		return p.command(ctx)
	case p.paused:
		return nil
	case s == p.front:
		return p.forward(ctx, p.front, p.back, &p.stats.frontIn, &p.stats.backOut)
	default:
		return p.forward(ctx, p.back, p.front, &p.stats.backIn, &p.stats.frontOut)
	}
}

// proxyBatch bounds how many messages one side forwards before the other
// gets its turn.
const proxyBatch = 1024

// forward moves what from has queued, up to a batch, to to.
func (p *proxy) forward(ctx context.Context, from, to *Socket, in, out *counter) error {
	for i := 0; i < proxyBatch; i++ {
		m, ok, err := from.tryRecv()
		if err != nil || !ok {
			return err
		}
		in.add(m)
		if p.capture != nil {
			if err := p.capture.Send(ctx, Msg{Frames: append([][]byte(nil), m.Frames...)}); err != nil {
				return err
			}
		}
		if err := to.Send(ctx, m); err != nil {
			return err
		}
		out.add(m)
	}
	return nil
}

func (p *proxy) command(ctx context.Context) error {
	m, ok, err := p.control.tryRecv()
	if err != nil || !ok {
		return err
	}
	switch cmd := string(m.Bytes()); cmd {
	case "PAUSE":
		p.paused = true
	case "RESUME":
		p.paused = false
	case "TERMINATE":
		return errTerminate
	case "STATISTICS":
		return p.control.Send(ctx, p.stats.msg())
	default:
		return fmt.Errorf("%w: unknown proxy command %q", ErrInvalid, cmd)
	}
	return nil
}

func (s proxyStats) msg() Msg {
	values := []uint64{
		s.frontIn.msgs, s.frontIn.bytes, s.frontOut.msgs, s.frontOut.bytes,
		s.backIn.msgs, s.backIn.bytes, s.backOut.msgs, s.backOut.bytes,
	}
	m := Msg{Frames: make([][]byte, len(values))}
	for i, v := range values {
		// libzmq copies the host's uint64: little-endian on the machines
		// it runs on in practice.
		m.Frames[i] = binary.LittleEndian.AppendUint64(nil, v)
	}
	return m
}

// tryRecv receives a message if one is ready, without waiting.
func (s *Socket) tryRecv() (Msg, bool, error) {
	if s.isClosed() {
		return Msg{}, false, ErrClosed
	}
	var m Msg
	s.opMu.Lock()
	err := s.takeMessage(&m)
	s.opMu.Unlock()
	switch {
	case err == errWouldBlock:
		return Msg{}, false, nil
	case err != nil:
		return Msg{}, false, err
	}
	return m, true, nil
}
