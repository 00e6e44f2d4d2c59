package zmq

import (
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/purezmq/zmq/internal/transport"
)

// WithBacklog sets the length of the queue of connections a Bind has not
// accepted yet (ZMQ_BACKLOG). 0, the default, keeps Go's (the kernel's
// maximum, where libzmq asks for 100). Read at Bind.
func WithBacklog(n int) Option {
	return declare("WithBacklog", "ZMQ_BACKLOG", anyType, func(o *options) error {
		if n < 0 {
			return fmt.Errorf("%w: backlog %d", ErrInvalid, n)
		}
		o.tuning.Backlog = n
		return nil
	})
}

// WithTOS sets the IP type of service (IPv6: traffic class) of the packets
// the socket's tcp connections send (ZMQ_TOS), 0 to 255; 0, the default,
// keeps the kernel's. Read at Bind and at each connection attempt.
func WithTOS(tos int) Option {
	return declare("WithTOS", "ZMQ_TOS", anyType, func(o *options) error {
		if tos < 0 || tos > 255 {
			return fmt.Errorf("%w: TOS %d is not 0..255", ErrInvalid, tos)
		}
		o.tuning.TOS = tos
		return nil
	})
}

// WithTCPMaxRT bounds how long data a tcp connection sent may go
// unacknowledged before the kernel gives the connection up (ZMQ_TCP_MAXRT,
// TCP_USER_TIMEOUT on Linux); 0, the default, keeps the kernel's. A
// connecting socket then reconnects. Read at Bind and at each connection
// attempt.
func WithTCPMaxRT(d time.Duration) Option {
	return declare("WithTCPMaxRT", "ZMQ_TCP_MAXRT", anyType, func(o *options) error {
		if d < 0 || d > time.Duration(1<<31-1)*time.Millisecond {
			return fmt.Errorf("%w: TCP_MAXRT %v", ErrInvalid, d)
		}
		o.tuning.MaxRetransmit = d
		return nil
	})
}

// WithBindToDevice ties the socket's tcp connections and listeners to one
// network interface, e.g. "eth1" (ZMQ_BINDTODEVICE, SO_BINDTODEVICE, which
// Linux allows only with CAP_NET_RAW); "" unties them. Read at Bind and at
// each connection attempt.
func WithBindToDevice(name string) Option {
	return declare("WithBindToDevice", "ZMQ_BINDTODEVICE", anyType, func(o *options) error {
		// IFNAMSIZ is 16, with the terminating NUL.
		if len(name) > 15 || strings.ContainsAny(name, "\x00/ ") {
			return fmt.Errorf("%w: %q is not an interface name", ErrInvalid, name)
		}
		o.tuning.BindToDevice = name
		return nil
	})
}

// WithIPv6 makes Bind with a "*" host take every interface of IPv6 and
// IPv4 (one dual-stack socket), not only the IPv4 ones (ZMQ_IPV6; libzmq's
// ZMQ_IPV4ONLY=0 means the same). IPv6 addresses in brackets and host names
// are bound and connected to with it or without. Read at Bind.
func WithIPv6(on bool) Option {
	return declare("WithIPv6", "ZMQ_IPV6, ZMQ_IPV4ONLY", anyType, func(o *options) error {
		o.tuning.IPv6 = on
		return nil
	})
}

// WithTCPAcceptFilter admits tcp peers only from the given addresses or
// networks ("127.0.0.1", "10.0.0.0/8", "::1"), as ZMQ_TCP_ACCEPT_FILTER
// does; no argument admits everyone again. A connection from elsewhere is
// closed as soon as it is accepted, counted in Stats().RefusedPeers, logged
// and reported as EventAcceptFailed. Unlike libzmq, where each setsockopt
// adds one filter, the list given replaces the last. Read at Bind.
func WithTCPAcceptFilter(filters ...string) Option {
	return declare("WithTCPAcceptFilter", "ZMQ_TCP_ACCEPT_FILTER", anyType, func(o *options) error {
		prefixes := make([]netip.Prefix, 0, len(filters))
		for _, f := range filters {
			p, err := parseFilter(f)
			if err != nil {
				return err
			}
			prefixes = append(prefixes, p)
		}
		o.tuning.AcceptFrom = prefixes
		return nil
	})
}

func parseFilter(f string) (netip.Prefix, error) {
	if strings.Contains(f, "/") {
		p, err := netip.ParsePrefix(f)
		if err != nil {
			return netip.Prefix{}, fmt.Errorf("%w: accept filter %q is not an address or address/bits", ErrInvalid, f)
		}
		return p.Masked(), nil
	}
	a, err := netip.ParseAddr(f)
	if err != nil {
		return netip.Prefix{}, fmt.Errorf("%w: accept filter %q is not an address or address/bits", ErrInvalid, f)
	}
	return netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()), nil
}

// WithIPCFilterUID admits ipc peers only run by one of these user ids
// (ZMQ_IPC_FILTER_UID), as the kernel tells the peer's credentials
// (SO_PEERCRED); no argument clears the list. With WithIPCFilterGID and
// WithIPCFilterPID, a peer that matches any list is admitted. Others are
// closed when accepted, counted in Stats().RefusedPeers, logged and
// reported as EventAcceptFailed. The list given replaces the last (libzmq
// adds one id per setsockopt). Read at Bind.
func WithIPCFilterUID(uids ...int) Option {
	return declare("WithIPCFilterUID", "ZMQ_IPC_FILTER_UID", anyType, func(o *options) error {
		ids, err := filterIDs("uid", uids)
		o.tuning.PeerUIDs = ids
		return err
	})
}

// WithIPCFilterGID admits ipc peers whose user is in one of these groups
// (ZMQ_IPC_FILTER_GID): the peer's own group or one its user belongs to.
// See WithIPCFilterUID.
func WithIPCFilterGID(gids ...int) Option {
	return declare("WithIPCFilterGID", "ZMQ_IPC_FILTER_GID", anyType, func(o *options) error {
		ids, err := filterIDs("gid", gids)
		o.tuning.PeerGIDs = ids
		return err
	})
}

// WithIPCFilterPID admits ipc peers only from one of these process ids
// (ZMQ_IPC_FILTER_PID). See WithIPCFilterUID.
func WithIPCFilterPID(pids ...int) Option {
	return declare("WithIPCFilterPID", "ZMQ_IPC_FILTER_PID", anyType, func(o *options) error {
		ids, err := filterIDs("pid", pids)
		o.tuning.PeerPIDs = ids
		return err
	})
}

func filterIDs(what string, ids []int) ([]int, error) {
	for _, id := range ids {
		if id < 0 {
			return nil, fmt.Errorf("%w: ipc filter %s %d", ErrInvalid, what, id)
		}
	}
	return append([]int(nil), ids...), nil
}

// WithSOCKSProxy makes the socket's tcp connections go through the SOCKS5
// proxy at addr, "host:port" (ZMQ_SOCKS_PROXY): the proxy connects to the
// endpoint, whose host it resolves itself unless it is an IP address. ""
// connects directly again. An address that is not host:port with a port of
// 1 to 65535 is ErrInvalid. A proxy that refuses, answers garbage or stays
// silent (30 s, or WithConnectTimeout) fails the attempt, which is counted
// in Stats().ProxyFailures, logged, and retried as WithReconnectInterval
// says. Read at each connection attempt.
func WithSOCKSProxy(addr string) Option {
	return declare("WithSOCKSProxy", "ZMQ_SOCKS_PROXY", anyType, func(o *options) error {
		if addr == "" {
			o.socksProxy = ""
			return nil
		}
		host, port, err := net.SplitHostPort(addr)
		n, perr := strconv.Atoi(port)
		if err != nil || host == "" || perr != nil || n < 1 || n > 65535 {
			return fmt.Errorf("%w: SOCKS proxy %q is not host:port", ErrInvalid, addr)
		}
		o.socksProxy = addr
		return nil
	})
}

// WithSOCKSAuth logs in to the SOCKS5 proxy with a user name and password
// (RFC 1929; ZMQ_SOCKS_USERNAME, ZMQ_SOCKS_PASSWORD), each 1 to 255 bytes,
// else ErrInvalid; an empty user name logs in with neither. The password
// crosses the network in clear, as RFC 1929 has it.
func WithSOCKSAuth(user, password string) Option {
	return declare("WithSOCKSAuth", "ZMQ_SOCKS_USERNAME, ZMQ_SOCKS_PASSWORD", anyType, func(o *options) error {
		if user == "" {
			o.socksUser, o.socksPassword = "", ""
			return nil
		}
		if len(user) > 255 || len(password) == 0 || len(password) > 255 {
			return fmt.Errorf("%w: SOCKS user name and password are 1 to 255 bytes each", ErrInvalid)
		}
		o.socksUser, o.socksPassword = user, password
		return nil
	})
}

// dialTuning is the tuning of one connection attempt, the proxy included.
func (o options) dialTuning() transport.Tuning {
	t := o.tuning
	if o.socksProxy != "" {
		t.Proxy = &transport.SOCKS{Address: o.socksProxy, Username: o.socksUser, Password: o.socksPassword}
	}
	return t
}
