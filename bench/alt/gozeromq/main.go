// Command gozeromq is libzmq's perf tools over github.com/go-zeromq/zmq4,
// the pure-Go ZeroMQ most Go users find first. Same arguments and result
// lines as bench/c's tools, with the tool's name first:
//
//	gozeromq local_thr tcp://127.0.0.1:5555 16 1000000
//
// What go-zeromq/zmq4 v0.17.0 does differently from libzmq shapes its
// figures (read from its source, and seen in runs):
//   - no high-water marks outside PUB (OptionHWM is read by PUB alone), so
//     none is set;
//   - PUSH and REQ write each frame to the connection before Send returns,
//     unbuffered (a header write and a body write per frame), with no send
//     queue; REP hands its reply to a goroutine that writes it, and Close
//     drops a reply not yet written (no linger);
//   - each connection's reader goroutine hands PULL and REP messages to
//     Recv through a channel of 10, one allocation per frame;
//   - REQ's Send fails ("no connections available") rather than waiting
//     for a peer, and Listen on an ipc path whose file exists fails.
package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"time"

	zmq "github.com/go-zeromq/zmq4"

	"github.com/purezmq/zmq/bench/alt/internal/perf"
)

func main() {
	perf.Main("gozeromq", perf.Lib{NewSocket: newSocket})
}

var constructors = map[perf.Kind]func(context.Context, ...zmq.Option) zmq.Socket{
	perf.Push: zmq.NewPush, perf.Pull: zmq.NewPull, perf.Req: zmq.NewReq, perf.Rep: zmq.NewRep,
}

// patience bounds the waits below, which libzmq's sockets do by themselves.
const patience = 10 * time.Second

type socket struct {
	s    zmq.Socket
	kind perf.Kind
}

func newSocket(k perf.Kind) (perf.Socket, error) {
	// Dial retries every 250 ms; 40 of them let the binding side start
	// under load (libzmq's connect retries for ever, in the background).
	s := constructors[k](context.Background(), zmq.WithDialerMaxRetries(int(patience/(250*time.Millisecond))))
	return &socket{s, k}, nil
}

func (s *socket) Bind(ep string) error    { return s.s.Listen(ep) }
func (s *socket) Connect(ep string) error { return s.s.Dial(ep) }

// Send retries while a REQ has no connection yet (as over inproc, where the
// binding REQ sends first), as libzmq's REQ would wait for one.
func (s *socket) Send(b []byte) error {
	deadline := time.Now().Add(patience)
	for {
		err := s.s.Send(zmq.NewMsg(b))
		if err == nil || s.kind != perf.Req || !strings.Contains(err.Error(), "no connections available") ||
			time.Now().After(deadline) {
			return err
		}
		time.Sleep(time.Millisecond)
	}
}

var errFrames = errors.New("message of several frames received")

func (s *socket) Recv() ([]byte, error) {
	m, err := s.s.Recv()
	if err != nil {
		return nil, err
	}
	if len(m.Frames) != 1 {
		return nil, fmt.Errorf("%w: %d", errFrames, len(m.Frames))
	}
	return m.Frames[0], nil
}

// Close of a REP waits for its peer to hang up first: the peer does once
// it has the last reply, and nothing else tells that the REP's writer
// goroutine has written it.
func (s *socket) Close() error {
	if s.kind == perf.Rep {
		hungUp := make(chan struct{})
		go func() {
			_, _ = s.s.Recv()
			close(hungUp)
		}()
		select {
		case <-hungUp:
		case <-time.After(patience):
		}
	}
	// The connection may be closed already, by the reader that saw the
	// peer hang up.
	if err := s.s.Close(); err != nil && !errors.Is(err, net.ErrClosed) {
		return err
	}
	return nil
}
