package zmq

import "github.com/purezmq/zmq/internal/pipe"

// channel is CHANNEL (libzmq 4.3's channel_t): the single-part PAIR, one
// peer at a time; a second is refused.
type channel struct {
	pair
}

func (c *channel) recv(m *pipe.Msg) error { return recvOnePart(&c.fq, m) }
