package transport

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"slices"
	"syscall"
	"time"
)

// ErrPeerRefused is wrapped by Accept's error for a connection that an
// accept filter turned away; the connection is already closed, and the
// listener goes on accepting.
var ErrPeerRefused = errors.New("zmq: peer refused by filter")

// NetOptions are the socket options set on the kernel socket before it
// binds or connects, and the filters applied to the connections accepted.
// The zero value changes nothing.
type NetOptions struct {
	// TOS is the IP type of service (IPv4) or traffic class (IPv6) of the
	// packets sent (ZMQ_TOS); 0 keeps the kernel's.
	TOS int
	// MaxRetransmit bounds how long sent data may stay unacknowledged
	// before the kernel drops the connection (ZMQ_TCP_MAXRT,
	// TCP_USER_TIMEOUT on Linux); 0 keeps the kernel's.
	MaxRetransmit time.Duration
	// BindToDevice ties the socket to one network interface
	// (ZMQ_BINDTODEVICE, SO_BINDTODEVICE); "" does not.
	BindToDevice string
	// Backlog is the listen queue's length (ZMQ_BACKLOG); 0 keeps Go's,
	// the kernel's maximum.
	Backlog int
	// IPv6 makes a "*" host bind every IPv6 and IPv4 interface, not only
	// the IPv4 ones (ZMQ_IPV6; ZMQ_IPV4ONLY is its negation).
	IPv6 bool
	// AcceptFrom, when not empty, admits tcp peers only from these
	// networks (ZMQ_TCP_ACCEPT_FILTER).
	AcceptFrom []netip.Prefix
	// PeerUIDs, PeerGIDs and PeerPIDs, when any is not empty, admit ipc
	// peers only whose credentials match one of them (ZMQ_IPC_FILTER_UID,
	// _GID, _PID): a user id, a group of the peer's user, or a process id.
	PeerUIDs, PeerGIDs, PeerPIDs []int
	// Proxy, when set, is the SOCKS5 proxy tcp connections are made
	// through (ZMQ_SOCKS_PROXY).
	Proxy *SOCKS
}

// control sets the options that must be set before bind or connect.
func (o NetOptions) control(network string, c syscall.RawConn) error {
	if o.TOS == 0 && o.MaxRetransmit == 0 && o.BindToDevice == "" {
		return nil
	}
	var serr error
	err := c.Control(func(fd uintptr) { serr = setRawOptions(int(fd), network, o) })
	return errors.Join(err, serr)
}

// admit tells whether an accepted connection passes the filters, and why
// not.
func (o NetOptions) admit(c net.Conn) error {
	switch a := c.RemoteAddr().(type) {
	case *net.TCPAddr:
		if len(o.AcceptFrom) == 0 {
			return nil
		}
		ip, _ := netip.AddrFromSlice(a.IP)
		ip = ip.Unmap()
		for _, p := range o.AcceptFrom {
			if p.Contains(ip) {
				return nil
			}
		}
		return fmt.Errorf("%w: %v is not in the tcp accept filter", ErrPeerRefused, ip)
	case *net.UnixAddr:
		if len(o.PeerUIDs)+len(o.PeerGIDs)+len(o.PeerPIDs) == 0 {
			return nil
		}
		cred, err := peerCredentials(c)
		if err != nil {
			return fmt.Errorf("%w: peer credentials: %v", ErrPeerRefused, err)
		}
		if slices.Contains(o.PeerUIDs, cred.UID) || slices.Contains(o.PeerPIDs, cred.PID) {
			return nil
		}
		for _, g := range cred.groups() {
			if slices.Contains(o.PeerGIDs, g) {
				return nil
			}
		}
		return fmt.Errorf("%w: ipc peer uid %d gid %d pid %d matches no ipc filter", ErrPeerRefused, cred.UID, cred.GID, cred.PID)
	}
	return nil
}

// credentials are an ipc peer's, as the kernel saw them at connect.
type credentials struct{ UID, GID, PID int }
