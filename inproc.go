package zmq

import (
	"fmt"

	"github.com/purezmq/zmq/internal/pipe"
	"github.com/purezmq/zmq/internal/zmtp"
)

// inprocRegistry is a context's namespace of inproc endpoints.
type inprocRegistry struct {
	bound map[string]*Socket
	// pending are connects made before their name was bound; libzmq 4.x
	// lets them queue messages and joins them when the bind happens.
	pending map[string][]pendingConnect
}

func newInprocRegistry() inprocRegistry {
	return inprocRegistry{bound: map[string]*Socket{}, pending: map[string][]pendingConnect{}}
}

// inprocLink is one socket's view of an inproc connection: its own pipe,
// the peer's pipe (the same queues, crossed over), and the peer.
type inprocLink struct {
	endpoint  string
	name      string
	peer      *Socket // nil while the name is not bound yet
	near, far *pipe.Pipe
}

func (s *Socket) ends() pipe.Ends {
	o := s.options()
	return pipe.Ends{SendHWM: o.sendHWM, RecvHWM: o.recvHWM, Readable: s.readable, Writable: s.writable}
}

// peerInfo is what an inproc peer learns of s, as a handshake would tell it.
func (s *Socket) peerInfo() pipe.Peer {
	o := s.options()
	meta := zmtp.Metadata{{Name: "Socket-Type", Value: s.typ.String()}}
	if len(o.routingID) > 0 {
		meta = append(meta, zmtp.Property{Name: "Identity", Value: string(o.routingID)})
	}
	return pipe.Peer{RoutingID: o.routingID, SocketType: s.typ.String(), Meta: &meta}
}

func (s *Socket) bindInproc(endpoint, name string) error {
	if err := s.checkOpen(); err != nil {
		return err
	}
	reg := &s.ctx.inproc
	s.ctx.mu.Lock()
	if reg.bound[name] != nil {
		s.ctx.mu.Unlock()
		return fmt.Errorf("%w: %s", ErrAddrInUse, endpoint)
	}
	reg.bound[name] = s
	pending := reg.pending[name]
	delete(reg.pending, name)
	s.ctx.mu.Unlock()

	s.mu.Lock()
	s.lastEndpoint = endpoint
	s.mu.Unlock()
	for _, l := range pending {
		s.completePending(l)
	}
	return nil
}

// completePending joins a connect that was waiting for this bind.
func (s *Socket) completePending(pc pendingConnect) {
	l, c := pc.link, pc.socket
	ends := s.ends()
	l.far.In.SetHWM(pipe.JoinHWM(c.options().sendHWM, ends.RecvHWM))
	l.far.Out.SetHWM(pipe.JoinHWM(ends.SendHWM, c.options().recvHWM))
	l.far.In.SetReaderWake(ends.Readable)
	l.far.Out.SetWriterWake(ends.Writable)
	l.far.SetPeer(c.peerInfo())
	l.near.SetPeer(s.peerInfo())
	c.mu.Lock()
	l.peer = s
	c.mu.Unlock()
	s.addLink(&inprocLink{endpoint: l.endpoint, name: l.name, peer: c, near: l.far, far: l.near})
	s.attach(l.far)
	c.wakeAll()
}

// pendingConnect is a connect waiting for its name to be bound.
type pendingConnect struct {
	socket *Socket
	link   *inprocLink
}

func (s *Socket) connectInproc(endpoint, name string) (*pipe.Pipe, error) {
	if err := s.checkOpen(); err != nil {
		return nil, err
	}
	s.ctx.mu.Lock()
	binder := s.ctx.inproc.bound[name]
	if binder == nil {
		near, far := pipe.NewPair(s.ends(), pipe.Ends{SendHWM: 1000, RecvHWM: 1000})
		l := &inprocLink{endpoint: endpoint, name: name, near: near, far: far}
		s.ctx.inproc.pending[name] = append(s.ctx.inproc.pending[name], pendingConnect{socket: s, link: l})
		s.ctx.mu.Unlock()
		s.addLink(l)
		s.attach(near)
		return near, nil
	}
	s.ctx.mu.Unlock()
	near, far := pipe.NewPair(s.ends(), binder.ends())
	near.SetPeer(binder.peerInfo())
	far.SetPeer(s.peerInfo())
	s.addLink(&inprocLink{endpoint: endpoint, name: name, peer: binder, near: near, far: far})
	binder.addLink(&inprocLink{endpoint: endpoint, name: name, peer: s, near: far, far: near})
	s.attach(near)
	binder.attach(far)
	return near, nil
}

func (s *Socket) addLink(l *inprocLink) {
	s.mu.Lock()
	s.inprocs[l.endpoint] = append(s.inprocs[l.endpoint], l)
	s.mu.Unlock()
}

func (s *Socket) unbindInproc(name string) error {
	s.ctx.mu.Lock()
	defer s.ctx.mu.Unlock()
	if s.ctx.inproc.bound[name] != s {
		return fmt.Errorf("%w: inproc://%s is not bound", ErrEndpoint, name)
	}
	delete(s.ctx.inproc.bound, name)
	return nil
}

func (s *Socket) disconnectInproc(endpoint string) error {
	s.mu.Lock()
	links := s.inprocs[endpoint]
	delete(s.inprocs, endpoint)
	s.mu.Unlock()
	if len(links) == 0 {
		return fmt.Errorf("%w: not connected to %s", ErrEndpoint, endpoint)
	}
	for _, l := range links {
		s.cutLink(l)
	}
	return nil
}

// closeInproc releases the socket's inproc names and cuts its links. What
// was queued for a name never bound is dropped, and counted.
func (s *Socket) closeInproc() {
	s.ctx.mu.Lock()
	for name, b := range s.ctx.inproc.bound {
		if b == s {
			delete(s.ctx.inproc.bound, name)
		}
	}
	var unbound []*inprocLink
	for name, ls := range s.ctx.inproc.pending {
		kept := ls[:0]
		for _, pc := range ls {
			if pc.socket != s {
				kept = append(kept, pc)
			} else {
				unbound = append(unbound, pc.link)
			}
		}
		s.ctx.inproc.pending[name] = kept
	}
	s.ctx.mu.Unlock()
	for _, l := range unbound {
		// Taken out of the registry, the queue has no reader to come:
		// this goroutine is its consumer now.
		l.near.Out.CloseWrite()
		s.settle(l.near, l.endpoint, "", 0, nil)
	}
	s.mu.Lock()
	var links []*inprocLink
	for _, ls := range s.inprocs {
		links = append(links, ls...)
	}
	s.inprocs = map[string][]*inprocLink{}
	s.mu.Unlock()
	for _, l := range links {
		s.cutLink(l)
	}
}

// cutLink ends an inproc connection both ways. What is queued for the peer
// stays readable to it; the peer stops sending to us.
func (s *Socket) cutLink(l *inprocLink) {
	l.near.Out.CloseWrite()
	l.near.In.CloseWrite()
	s.detach(l.near)
	s.mu.Lock()
	peer := l.peer
	s.mu.Unlock()
	if peer != nil {
		peer.forgetLink(l.far)
		peer.detach(l.far)
	}
}

func (s *Socket) forgetLink(p *pipe.Pipe) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for ep, ls := range s.inprocs {
		kept := ls[:0]
		for _, l := range ls {
			if l.near != p {
				kept = append(kept, l)
			}
		}
		s.inprocs[ep] = kept
	}
}
