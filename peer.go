package zmq

import (
	"fmt"

	"github.com/purezmq/zmq/internal/pipe"
)

// peer is PEER (libzmq 4.3's peer_t): a SERVER that also connects, and
// tells the id of each peer it connects to (ConnectPeer), so that either
// side may speak first.
type peer struct {
	*server
}

// ConnectPeer connects a PEER socket to endpoint, as Connect does, and
// returns the routing id the new peer has: messages with that RoutingID
// go there, queued until the connection is up. It does not work with
// WithImmediate (libzmq refuses it with EFAULT), since the id is given
// before there is a connection; other socket types return ErrNotSupported.
func (s *Socket) ConnectPeer(endpoint string) (uint32, error) {
	if s.typ != PEER {
		return 0, fmt.Errorf("%w: ConnectPeer is for PEER sockets, not %v", ErrNotSupported, s.typ)
	}
	if s.options().immediate {
		return 0, fmt.Errorf("%w: ConnectPeer cannot work with WithImmediate", ErrInvalid)
	}
	p, err := s.connectPipe(endpoint)
	if err != nil {
		return 0, err
	}
	s.opMu.Lock()
	defer s.opMu.Unlock()
	return s.pat.(*peer).idOf(p)
}

func (pr *peer) idOf(p *pipe.Pipe) (uint32, error) {
	id := pr.ids.ID(p)
	if id == 0 {
		return 0, fmt.Errorf("%w: the connection was refused", ErrClosed)
	}
	return id, nil
}
