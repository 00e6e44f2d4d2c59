package transport

import (
	"context"
	"net"
	"time"
)

// Tuning is what a socket asks of its connections' kernel sockets. The zero
// value leaves every setting at its default.
type Tuning struct {
	// KeepAlive, if set, configures TCP keepalive (ZMQ_TCP_KEEPALIVE and
	// its _IDLE, _INTVL, _CNT); nil keeps Go's default.
	KeepAlive *net.KeepAliveConfig
	// SendBuffer and RecvBuffer set SO_SNDBUF and SO_RCVBUF in bytes
	// (ZMQ_SNDBUF, ZMQ_RCVBUF); 0 keeps the kernel's.
	SendBuffer, RecvBuffer int
	// ConnectTimeout bounds one connection attempt (ZMQ_CONNECT_TIMEOUT);
	// 0 leaves it to the kernel.
	ConnectTimeout time.Duration
	NetOptions
}

// apply sets the tuning on a connection.
func (t Tuning) apply(c net.Conn) error {
	if tc, ok := c.(*net.TCPConn); ok && t.KeepAlive != nil {
		if err := tc.SetKeepAliveConfig(*t.KeepAlive); err != nil {
			return err
		}
	}
	type buffered interface {
		SetReadBuffer(int) error
		SetWriteBuffer(int) error
	}
	b, ok := c.(buffered)
	if !ok {
		return nil
	}
	if t.SendBuffer > 0 {
		if err := b.SetWriteBuffer(t.SendBuffer); err != nil {
			return err
		}
	}
	if t.RecvBuffer > 0 {
		return b.SetReadBuffer(t.RecvBuffer)
	}
	return nil
}

// DialTuned is Dial with the connection tuned as t says.
func DialTuned(ctx context.Context, ep Endpoint, t Tuning) (net.Conn, error) {
	if t.ConnectTimeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, t.ConnectTimeout)
		defer cancel()
	}
	c, err := dial(ctx, ep, t.NetOptions)
	if err != nil {
		return nil, err
	}
	if err := t.apply(c); err != nil {
		c.Close()
		return nil, err
	}
	return c, nil
}

// SetTuning makes the listener tune the connections it accepts from now on,
// and filter them as its NetOptions say. It must be called before Accept is.
// The NetOptions set before bind take effect only through ListenTuned.
func (l *Listener) SetTuning(t Tuning) { l.tuning = t }
