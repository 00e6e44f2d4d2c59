package transport

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"strconv"
	"time"
)

// ErrProxy is wrapped by every failure of a SOCKS proxy: refused, garbled
// or silent. A connecting socket counts and logs it and retries as after
// any failed attempt.
var ErrProxy = errors.New("zmq: SOCKS proxy failed")

// SOCKS is a SOCKS5 proxy (RFC 1928) that tcp connections are made
// through (ZMQ_SOCKS_PROXY), with a user name and password (RFC 1929;
// ZMQ_SOCKS_USERNAME, ZMQ_SOCKS_PASSWORD) when Username is set.
type SOCKS struct {
	Address            string // host:port
	Username, Password string
}

// socksTimeout bounds the exchange with the proxy when the dial's context
// has no deadline of its own: a proxy that says nothing must not hold a
// connecting socket for ever.
const socksTimeout = 30 * time.Second

// SOCKS5 constants (RFC 1928, RFC 1929).
const (
	socksVersion       = 5
	socksNoAuth        = 0x00
	socksUserPass      = 0x02
	socksNoAcceptable  = 0xff
	socksConnect       = 0x01
	socksIPv4          = 0x01
	socksDomain        = 0x03
	socksIPv6          = 0x04
	socksAuthVersion   = 0x01
	socksAuthSucceeded = 0x00
)

// socksReplies are RFC 1928's reply codes.
var socksReplies = map[byte]string{
	1: "general SOCKS server failure", 2: "connection not allowed by ruleset",
	3: "network unreachable", 4: "host unreachable", 5: "connection refused",
	6: "TTL expired", 7: "command not supported", 8: "address type not supported",
}

// dialSOCKS connects to target ("host:port") through the proxy, using d
// for the connection to the proxy.
func dialSOCKS(ctx context.Context, d *net.Dialer, p *SOCKS, target string) (net.Conn, error) {
	host, portText, err := net.SplitHostPort(target)
	if err != nil {
		return nil, fmt.Errorf("%w: target %q: %v", ErrProxy, target, err)
	}
	port, err := strconv.ParseUint(portText, 10, 16)
	if err != nil {
		return nil, fmt.Errorf("%w: target port %q", ErrProxy, portText)
	}
	conn, err := d.DialContext(ctx, "tcp", p.Address)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrProxy, p.Address, err)
	}
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, socksTimeout)
		defer cancel()
	}
	stop := context.AfterFunc(ctx, func() { conn.SetDeadline(time.Unix(1, 0)) })
	err = socksHandshake(conn, p, host, uint16(port))
	if !stop() || err != nil {
		conn.Close()
		if ctx.Err() != nil {
			err = fmt.Errorf("no answer in time: %w", ctx.Err())
		}
		return nil, fmt.Errorf("%w: %s: %v", ErrProxy, p.Address, err)
	}
	conn.SetDeadline(time.Time{})
	return conn, nil
}

func socksHandshake(rw io.ReadWriter, p *SOCKS, host string, port uint16) error {
	methods := []byte{socksVersion, 1, socksNoAuth}
	if p.Username != "" {
		methods = []byte{socksVersion, 2, socksNoAuth, socksUserPass}
	}
	if _, err := rw.Write(methods); err != nil {
		return err
	}
	var chosen [2]byte
	if _, err := io.ReadFull(rw, chosen[:]); err != nil {
		return fmt.Errorf("method reply: %w", err)
	}
	switch {
	case chosen[0] != socksVersion:
		return fmt.Errorf("not a SOCKS5 proxy (version %d)", chosen[0])
	case chosen[1] == socksNoAuth:
	case chosen[1] == socksUserPass && p.Username != "":
		if err := socksLogin(rw, p); err != nil {
			return err
		}
	case chosen[1] == socksNoAcceptable:
		return errors.New("the proxy accepts none of our methods (wrong or missing user name?)")
	default:
		return fmt.Errorf("the proxy chose method %#x, which was not offered", chosen[1])
	}
	req, err := socksRequest(host, port)
	if err != nil {
		return err
	}
	if _, err := rw.Write(req); err != nil {
		return err
	}
	return readSOCKSReply(rw)
}

// socksLogin is RFC 1929's user name and password exchange.
func socksLogin(rw io.ReadWriter, p *SOCKS) error {
	msg := []byte{socksAuthVersion, byte(len(p.Username))}
	msg = append(msg, p.Username...)
	msg = append(msg, byte(len(p.Password)))
	msg = append(msg, p.Password...)
	if _, err := rw.Write(msg); err != nil {
		return err
	}
	var status [2]byte
	if _, err := io.ReadFull(rw, status[:]); err != nil {
		return fmt.Errorf("login reply: %w", err)
	}
	if status[0] != socksAuthVersion || status[1] != socksAuthSucceeded {
		return errors.New("the proxy refused the user name and password")
	}
	return nil
}

// socksRequest is a CONNECT request: an IP address as such, any other
// host as a name for the proxy to resolve.
func socksRequest(host string, port uint16) ([]byte, error) {
	req := []byte{socksVersion, socksConnect, 0}
	if ip, err := netip.ParseAddr(host); err == nil {
		if ip.Is4() {
			req = append(append(req, socksIPv4), ip.AsSlice()...)
		} else {
			req = append(append(req, socksIPv6), ip.AsSlice()...)
		}
	} else {
		if len(host) == 0 || len(host) > 255 {
			return nil, fmt.Errorf("host name %q does not fit a SOCKS request", host)
		}
		req = append(append(req, socksDomain, byte(len(host))), host...)
	}
	return append(req, byte(port>>8), byte(port)), nil
}

// readSOCKSReply reads the proxy's answer to CONNECT, all of it (the bound
// address too, so that what follows is the peer's), reading no more than a
// reply can hold: at most 4+1+255+2 bytes.
func readSOCKSReply(r io.Reader) error {
	var head [5]byte
	if _, err := io.ReadFull(r, head[:]); err != nil {
		return fmt.Errorf("connect reply: %w", err)
	}
	if head[0] != socksVersion {
		return fmt.Errorf("connect reply of version %d, not 5", head[0])
	}
	if head[1] != 0 {
		if why, ok := socksReplies[head[1]]; ok {
			return fmt.Errorf("the proxy could not connect: %s", why)
		}
		return fmt.Errorf("the proxy could not connect: reply %#x", head[1])
	}
	if head[2] != 0 {
		return fmt.Errorf("connect reply with reserved byte %#x", head[2])
	}
	var rest int // what follows head[4], port included
	switch head[3] {
	case socksIPv4:
		rest = 4 - 1 + 2
	case socksIPv6:
		rest = 16 - 1 + 2
	case socksDomain:
		if head[4] == 0 {
			return errors.New("connect reply with an empty bound name")
		}
		rest = int(head[4]) + 2
	default:
		return fmt.Errorf("connect reply with address type %#x", head[3])
	}
	var tail [257]byte
	if _, err := io.ReadFull(r, tail[:rest]); err != nil {
		return fmt.Errorf("connect reply: %w", err)
	}
	return nil
}
