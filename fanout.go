package zmq

import (
	"github.com/purezmq/zmq/internal/bufpool"
	"github.com/purezmq/zmq/internal/pipe"
)

// fanOut gives one message to several inproc receivers without copying its
// bodies, as libzmq's dist_t gives them one reference-counted body: each
// receiver gets a frame list of its own over the same bodies. The bodies are
// clipped to their length, so a receiver's append cannot write into what
// another reads, and a body that Msg.Release would hand to the buffer pool
// is copied once, so one receiver's Release cannot recycle what the others
// still hold.
type fanOut struct {
	bodies [][]byte
	lists  [][]byte // every receiver's list, carved in turn
}

// prepare readies frames for receivers inproc receivers.
func (f *fanOut) prepare(frames [][]byte, receivers int) {
	f.bodies = f.bodies[:0]
	for _, b := range frames {
		b = b[:len(b):len(b)]
		if bufpool.Pooled(b) {
			b = append([]byte(nil), b...)
		}
		f.bodies = append(f.bodies, b)
	}
	// One allocation for every receiver's list: they escape to the
	// receivers, so they cannot be reused.
	f.lists = make([][]byte, 0, len(frames)*receivers)
}

// next returns the frame list for one more receiver.
func (f *fanOut) next() [][]byte {
	start := len(f.lists)
	f.lists = append(f.lists, f.bodies...)
	return f.lists[start:len(f.lists):len(f.lists)]
}

// done drops the references fanOut holds between sends.
func (f *fanOut) done() {
	clear(f.bodies)
	f.bodies, f.lists = f.bodies[:0], nil
}

// pushAll pushes m onto the Out queue of every target (pipeOf gives its
// pipe), dropping it where a queue is full, and returns how many dropped it;
// inproc targets share its bodies when there are several of them. PUB,
// XSUB and RADIO send this way, and tell their socket of drops
// (Socket.outran).
func pushAll[T any](f *fanOut, m *pipe.Msg, targets []T, pipeOf func(T) *pipe.Pipe) (dropped int) {
	inproc := 0
	if len(targets) > 1 {
		for _, t := range targets {
			if isInproc(pipeOf(t)) {
				inproc++
			}
		}
	}
	if inproc > 0 {
		f.prepare(m.Frames, inproc)
		defer f.done()
	}
	for _, t := range targets {
		p := pipeOf(t)
		msg := *m
		if inproc > 0 && isInproc(p) {
			msg.Frames = f.next()
		}
		if !p.Out.Push(&msg) {
			dropped++
		}
	}
	return dropped
}

// isInproc tells a pipe joined straight to another socket from one with a
// connection's engine at its far end.
func isInproc(p *pipe.Pipe) bool { return p.EngineOut == nil }
