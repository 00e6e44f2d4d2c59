package transport

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"syscall"
)

// MaxDatagram is the largest datagram exchanged over udp: libzmq 4.3's
// MAX_UDP_MSG. Its udp engine reads into a buffer of this size and would
// cut a longer datagram short, and writes past the end of one when asked to
// send more, so nothing longer is sent, and a longer one received is
// refused.
const MaxDatagram = 8192

// MaxDatagramGroup is the longest group sent over udp. The layout has room
// for 255 bytes, but libzmq 4.3.5's udp engine reads the length byte as a
// signed char where char is signed (x86), and aborts on a group of 128
// bytes or more; longer groups are still read.
const MaxDatagramGroup = 127

// ErrDatagram is wrapped by every malformed datagram a RADIO sent.
var ErrDatagram = errors.New("zmq: malformed datagram")

// ListenUDP binds a udp endpoint for a DISH or a DGRAM: "udp://host:port",
// the host an IPv4 address, a name, or "*" for every IPv4 interface, the
// port "*" or 0 for an ephemeral one (a convenience libzmq lacks). There is
// nothing to accept: the Listener only names the endpoint bound (its Close
// does nothing), and the socket is the *net.UDPConn, whose life is its
// engine's. Multicast groups are refused with errors.ErrUnsupported: this
// package sends nothing to a multicast address.
func ListenUDP(ep Endpoint, t Tuning) (*Listener, *net.UDPConn, error) {
	addr, err := resolveUDP(ep, true)
	if err != nil {
		return nil, nil, err
	}
	lc := net.ListenConfig{Control: func(network, _ string, c syscall.RawConn) error { return t.control(network, c) }}
	pc, err := lc.ListenPacket(context.Background(), udpNetwork(addr), addr.String())
	if err != nil {
		return nil, nil, err
	}
	conn := pc.(*net.UDPConn)
	if err := t.apply(conn); err != nil {
		conn.Close()
		return nil, nil, err
	}
	bound := conn.LocalAddr().(*net.UDPAddr).AddrPort()
	return &Listener{udp: conn, endpoint: UDP + "://" + unmapped(bound).String()}, conn, nil
}

// DialUDP opens a udp socket that sends to ep, for a RADIO. Unicast only,
// as for ListenUDP. Of t's NetOptions, BindToDevice applies to udp (TOS
// and MaxRetransmit are tcp's), as in libzmq's udp engine.
func DialUDP(ep Endpoint, t Tuning) (*net.UDPConn, error) {
	addr, err := resolveUDP(ep, false)
	if err != nil {
		return nil, err
	}
	d := net.Dialer{Control: func(network, _ string, c syscall.RawConn) error { return t.control(network, c) }}
	c, err := d.Dial(udpNetwork(addr), addr.String())
	if err != nil {
		return nil, err
	}
	conn := c.(*net.UDPConn)
	if err := t.apply(conn); err != nil {
		conn.Close()
		return nil, err
	}
	return conn, nil
}

func udpNetwork(a netip.AddrPort) string {
	if a.Addr().Is4() {
		return "udp4"
	}
	return "udp6"
}

func unmapped(a netip.AddrPort) netip.AddrPort {
	return netip.AddrPortFrom(a.Addr().Unmap(), a.Port())
}

// resolveUDP applies the bind or connect rules to ep and resolves its host.
func resolveUDP(ep Endpoint, forBind bool) (netip.AddrPort, error) {
	var err error
	if forBind {
		ep, err = ParseBind(ep.String())
	} else {
		ep, err = ParseConnect(ep.String())
	}
	if err != nil {
		return netip.AddrPort{}, err
	}
	if ep.Transport != UDP {
		return netip.AddrPort{}, bad(ep.String(), "not a udp endpoint")
	}
	host, port, err := splitTCP(ep.String(), ep.Address)
	if err != nil {
		return netip.AddrPort{}, err
	}
	if port == "*" {
		port = "0"
	}
	n, _ := strconv.ParseUint(port, 10, 16)
	var ip netip.Addr
	if host == "*" {
		ip = netip.IPv4Unspecified()
	} else if ip, err = netip.ParseAddr(host); err != nil {
		addrs, lerr := net.DefaultResolver.LookupNetIP(context.Background(), "ip4", host)
		if lerr != nil || len(addrs) == 0 {
			return netip.AddrPort{}, fmt.Errorf("zmq: resolve %s: %w", ep, lerr)
		}
		ip = addrs[0]
	}
	ip = ip.Unmap()
	if ip.IsMulticast() {
		return netip.AddrPort{}, fmt.Errorf("%w: %s: udp multicast", errors.ErrUnsupported, ep)
	}
	return netip.AddrPortFrom(ip, uint16(n)), nil
}

// AppendDatagram appends a RADIO's message as one datagram in libzmq 4.3's
// layout: the group's length in one byte, the group, then the body. The
// caller keeps the group to MaxGroupLength (255) bytes and the whole to
// MaxDatagram.
func AppendDatagram(dst []byte, group, body []byte) []byte {
	dst = append(dst, byte(len(group)))
	dst = append(dst, group...)
	return append(dst, body...)
}

// DatagramSize is the size of the datagram AppendDatagram makes.
func DatagramSize(group, body []byte) int { return 1 + len(group) + len(body) }

// ParseDatagram splits a datagram from a RADIO into its group and body,
// both aliasing d. An empty datagram, one shorter than its group length
// says, and one longer than MaxDatagram are refused (libzmq drops the
// short one, and reads an empty one as whatever its buffer held before).
func ParseDatagram(d []byte) (group, body []byte, err error) {
	switch {
	case len(d) == 0:
		return nil, nil, fmt.Errorf("%w: empty", ErrDatagram)
	case len(d) > MaxDatagram:
		return nil, nil, fmt.Errorf("%w: %d bytes, longer than %d", ErrDatagram, len(d), MaxDatagram)
	case len(d) < 1+int(d[0]):
		return nil, nil, fmt.Errorf("%w: a %d-byte group in %d bytes", ErrDatagram, d[0], len(d))
	}
	n := 1 + int(d[0])
	return d[1:n:n], d[n:], nil
}

// ParseDatagramAddr parses a DGRAM message's address frame: "ip:port" with
// an IPv4 address and a port of 1 to 65535, as libzmq's DGRAM takes it (an
// IPv6 address in brackets is taken too). A trailing NUL, which libzmq puts
// on the addresses it hands out, is ignored. An IPv4 address costs no
// allocation.
func ParseDatagramAddr(b []byte) (netip.AddrPort, bool) {
	if n := len(b); n > 0 && b[n-1] == 0 {
		b = b[:n-1]
	}
	colon := -1
	for i := len(b) - 1; i >= 0; i-- {
		if b[i] == ':' {
			colon = i
			break
		}
	}
	if colon <= 0 {
		return netip.AddrPort{}, false
	}
	port, ok := parsePort(b[colon+1:])
	if !ok || port == 0 {
		return netip.AddrPort{}, false
	}
	host := b[:colon]
	if ip, ok := parseIPv4(host); ok {
		return netip.AddrPortFrom(ip, port), true
	}
	if len(host) > 2 && host[0] == '[' && host[len(host)-1] == ']' {
		ip, err := netip.ParseAddr(string(host[1 : len(host)-1]))
		if err == nil && ip.Is6() {
			return netip.AddrPortFrom(ip, port), true
		}
	}
	return netip.AddrPort{}, false
}

// AppendDatagramAddr appends a's text as ParseDatagramAddr reads it, without
// libzmq's trailing NUL.
func AppendDatagramAddr(dst []byte, a netip.AddrPort) []byte {
	return unmapped(a).AppendTo(dst)
}

func parsePort(b []byte) (uint16, bool) {
	if len(b) == 0 || len(b) > 5 {
		return 0, false
	}
	n := 0
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return uint16(n), n <= 65535
}

func parseIPv4(b []byte) (netip.Addr, bool) {
	var ip [4]byte
	part, digits := 0, 0
	val := 0
	for i := 0; i <= len(b); i++ {
		if i == len(b) || b[i] == '.' {
			if digits == 0 || part > 3 {
				return netip.Addr{}, false
			}
			ip[part] = byte(val)
			part, digits, val = part+1, 0, 0
			continue
		}
		c := b[i]
		if c < '0' || c > '9' || digits == 3 || (digits > 0 && val == 0) {
			return netip.Addr{}, false
		}
		val = val*10 + int(c-'0')
		digits++
		if val > 255 {
			return netip.Addr{}, false
		}
	}
	if part != 4 {
		return netip.Addr{}, false
	}
	return netip.AddrFrom4(ip), true
}
