package zmq

import (
	"fmt"

	"github.com/purezmq/zmq/internal/pipe"
	"github.com/purezmq/zmq/internal/route"
)

func newPattern(s *Socket) (pattern, error) {
	switch s.typ {
	case PAIR:
		return conflated(s, isolate(pair{})), nil
	case PUSH:
		return isolate(push{}), nil
	case PULL:
		return conflated(s, isolate(pull{})), nil
	case DEALER:
		return conflated(s, isolate(dealer{sock: s})), nil
	case REQ:
		return isolate(req{sock: s}), nil
	case REP:
		return isolate(rep{}), nil
	case STREAM:
		return newStream(s), nil
	case ROUTER:
		return newRouter(s), nil
	case PUB:
		return newPublisher(s, false), nil
	case XPUB:
		return newPublisher(s, true), nil
	case SUB:
		return isolate(sub{subscriberCore{sock: s}}), nil
	case XSUB:
		return isolate(xsub{subscriberCore: subscriberCore{sock: s}}), nil
	case SERVER:
		return newServer(), nil
	case PEER:
		return &peer{newServer()}, nil
	case CLIENT:
		return isolate(client{}), nil
	case RADIO:
		return newRadio(s), nil
	case DISH:
		return isolate(dish{}), nil
	case SCATTER:
		return isolate(scatter{}), nil
	case GATHER:
		return isolate(gather{}), nil
	case CHANNEL:
		return isolate(channel{}), nil
	case DGRAM:
		return isolate(dgram{}), nil
	}
	return nil, fmt.Errorf("%w: socket type %v", ErrNotSupported, s.typ)
}

// isolate moves v to the heap with a cache line of padding on each side. A
// socket type's state is written on every message by the goroutine using
// the socket, and a small object shares cache lines with its neighbours in
// the heap, which may be another socket's state written as often from
// another goroutine: the line then moves between cores at every message
// (this made inproc throughput bimodal, 4.5M or 11M msg/s, depending on
// where two 32-byte objects landed).
func isolate[T any](v T) *T {
	b := &isolated[T]{v: v}
	return &b.v
}

// cacheLine is the size of a cache line on the machines Go runs on most.
const cacheLine = 64

type isolated[T any] struct {
	_ [cacheLine]byte
	v T
	_ [cacheLine]byte
}

// noReconnect is embedded by patterns that need not hear of reconnections.
type noReconnect struct{}

func (noReconnect) reconnected(*pipe.Pipe) {}

// cannotSend and cannotRecv are embedded by one-way patterns.
type cannotSend struct{}

func (cannotSend) send(*pipe.Msg) error {
	return fmt.Errorf("%w: this socket type only receives", ErrNotSupported)
}

type cannotRecv struct{}

func (cannotRecv) recv(*pipe.Msg) error {
	return fmt.Errorf("%w: this socket type only sends", ErrNotSupported)
}

// balanced sends round-robin over its pipes and blocks when all are full.
type balanced struct{ lb route.LoadBalancer }

func (b *balanced) send(m *pipe.Msg) error {
	if b.lb.Send(m) == nil {
		return errWouldBlock
	}
	return nil
}

// fairQueued receives from its pipes in turn.
type fairQueued struct{ fq route.FairQueue }

func (f *fairQueued) recv(m *pipe.Msg) error {
	if _, ok := f.fq.Recv(m); !ok {
		return errWouldBlock
	}
	return nil
}

// push is PUSH (RFC 30): round-robin to connected PULLs, blocking at HWM.
type push struct {
	noReconnect
	cannotRecv
	balanced
}

func (p *push) attach(x *pipe.Pipe) bool { p.lb.Add(x); return true }
func (p *push) detach(x *pipe.Pipe)      { p.lb.Remove(x) }

// pull is PULL (RFC 30): fair-queues from connected PUSHes.
type pull struct {
	noReconnect
	cannotSend
	fairQueued
}

func (p *pull) attach(x *pipe.Pipe) bool { p.fq.Add(x); return true }
func (p *pull) detach(*pipe.Pipe)        {} // the fair queue drops it once read dry

// dealer is DEALER (RFC 28): round-robin out, fair-queued in, no envelope.
type dealer struct {
	balanced
	fairQueued
	sock *Socket
}

func (d *dealer) attach(x *pipe.Pipe) bool {
	d.lb.Add(x)
	d.fq.Add(x)
	d.probe(x)
	return true
}

// reconnected probes the new peer too, as a ROUTER does.
func (d *dealer) reconnected(x *pipe.Pipe) { d.probe(x) }

// probe sends the empty message WithProbeRouter asks for, so a ROUTER peer
// learns this DEALER's routing id before it has anything to say.
func (d *dealer) probe(x *pipe.Pipe) {
	if d.sock.patternOptions().probeRouter {
		x.Out.PushForce(&pipe.Msg{Frames: [][]byte{{}}})
	}
}

func (d *dealer) detach(x *pipe.Pipe) { d.lb.Remove(x) }
