// Package transport parses ZeroMQ endpoint strings and opens the byte
// streams (tcp, ipc) that ZMTP runs over. It knows nothing of ZMTP itself.
//
// Endpoints are parsed in one of three ways:
//
//   - Parse checks syntax only and accepts anything that is valid for either
//     bind or connect. It touches neither the network nor the file system.
//   - ParseBind additionally applies the bind rules and resolves a tcp
//     interface name (tcp://lo:5555) to that interface's first address.
//   - ParseConnect additionally applies the connect rules: no "*" host, no
//     "*" or 0 port, no ipc://*.
//
// Listen applies the bind rules itself and Dial the connect rules, so an
// Endpoint from Parse may be passed to either; ParseBind and ParseConnect
// exist so that a socket can reject a bad endpoint at zmq_bind/zmq_connect
// time, before any I/O, as libzmq does.
package transport

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"strings"
)

// ErrEndpoint is wrapped by every endpoint syntax error (libzmq's EINVAL).
var ErrEndpoint = errors.New("zmq: invalid endpoint")

// Transport names as they appear before "://".
const (
	TCP    = "tcp"
	IPC    = "ipc"
	Inproc = "inproc"
	UDP    = "udp" // udp.go
	WS     = "ws"  // ZWS 2.0 (RFC 45): ZeroMQ over WebSocket
	WSS    = "wss" // the same over TLS
)

// maxUnixPath is the longest ipc address accepted: sun_path is 108 bytes on
// Linux and a path needs its terminating NUL; an abstract name spends that
// byte on its leading NUL instead, which "@" stands for here.
const maxUnixPath = 107

// Endpoint is a parsed endpoint. Address is everything after "://": for tcp
// "host:port" (IPv6 hosts bracketed, "*" allowed for host or port), for ipc
// a file path, "@name" (Linux abstract namespace) or "*", for inproc a name,
// for ws and wss "host:port" as for tcp followed by an optional path.
type Endpoint struct {
	Transport string // "tcp", "ipc", "inproc"
	Address   string
	// Source is the local "host:port" a tcp connection is made from, given
	// as tcp://source;destination (connect only); port 0 or "*" is any.
	Source string
}

// String returns the endpoint in ZeroMQ form, e.g. "tcp://127.0.0.1:5555".
func (e Endpoint) String() string {
	if e.Source != "" {
		return e.Transport + "://" + e.Source + ";" + e.Address
	}
	return e.Transport + "://" + e.Address
}

// Parse checks the syntax of s without regard to whether it will be bound
// or connected; see the package documentation.
func Parse(s string) (Endpoint, error) {
	proto, addr, ok := strings.Cut(s, "://")
	if !ok {
		return Endpoint{}, bad(s, `missing "://"`)
	}
	if addr == "" {
		return Endpoint{}, bad(s, "empty address")
	}
	var source string
	switch proto {
	case TCP:
		if src, dst, ok := strings.Cut(addr, ";"); ok {
			if strings.Contains(dst, ";") {
				return Endpoint{}, bad(s, "more than one source address (source;destination)")
			}
			if _, _, err := splitTCP(s, src); err != nil {
				return Endpoint{}, err
			}
			source, addr = src, dst
		}
		if _, _, err := splitTCP(s, addr); err != nil {
			return Endpoint{}, err
		}
	case UDP:
		if _, _, err := splitTCP(s, addr); err != nil {
			return Endpoint{}, err
		}
	case IPC:
		if err := checkIPC(s, addr); err != nil {
			return Endpoint{}, err
		}
	case Inproc:
		// Any non-empty name will do; inproc is matched byte for byte.
	case WS, WSS:
		hostport, path := SplitWS(addr)
		if _, _, err := splitTCP(s, hostport); err != nil {
			return Endpoint{}, err
		}
		if err := checkPath(s, path); err != nil {
			return Endpoint{}, err
		}
	case "":
		return Endpoint{}, bad(s, "missing transport")
	default:
		return Endpoint{}, bad(s, fmt.Sprintf("unsupported transport %q", proto))
	}
	return Endpoint{Transport: proto, Address: addr, Source: source}, nil
}

// ParseBind parses s as an endpoint to bind to. A tcp host naming a local
// network interface is replaced by the interface's first IPv4 address, or
// its first IPv6 address if it has no IPv4 one, so the result's Address is
// what Listen will bind. Names that are not interfaces are kept as host
// names for Listen to resolve (libzmq refuses them; accepting is harmless).
func ParseBind(s string) (Endpoint, error) {
	ep, err := Parse(s)
	if err != nil {
		return Endpoint{}, err
	}
	return bindEndpoint(ep)
}

// ParseConnect parses s as an endpoint to connect to.
func ParseConnect(s string) (Endpoint, error) {
	ep, err := Parse(s)
	if err != nil {
		return Endpoint{}, err
	}
	return ep, checkConnect(ep)
}

func bad(s, reason string) error {
	return fmt.Errorf("%w: %q: %s", ErrEndpoint, s, reason)
}

// splitTCP splits and validates a tcp "host:port". Host is returned without
// brackets; "*" is returned as is for both parts.
func splitTCP(s, addr string) (host, port string, err error) {
	if strings.HasPrefix(addr, "[") {
		end := strings.IndexByte(addr, ']')
		if end < 0 {
			return "", "", bad(s, `missing "]" after IPv6 address`)
		}
		host = addr[1:end]
		rest := addr[end+1:]
		if !strings.HasPrefix(rest, ":") {
			return "", "", bad(s, "missing port")
		}
		port = rest[1:]
		a, perr := netip.ParseAddr(host)
		if perr != nil || !a.Is6() {
			return "", "", bad(s, fmt.Sprintf("%q in brackets is not an IPv6 address", host))
		}
	} else {
		i := strings.LastIndexByte(addr, ':')
		if i < 0 {
			return "", "", bad(s, "missing port")
		}
		host, port = addr[:i], addr[i+1:]
		if strings.ContainsRune(host, ':') {
			return "", "", bad(s, "IPv6 address must be in brackets, e.g. tcp://[::1]:5555")
		}
		if err := checkHost(s, host); err != nil {
			return "", "", err
		}
	}
	if err := checkPort(s, port); err != nil {
		return "", "", err
	}
	return host, port, nil
}

// checkHost accepts "*", an IPv4 literal, or a DNS/interface name. A name
// is checked only for characters, since whether it resolves is a question
// for bind or connect time.
func checkHost(s, host string) error {
	switch {
	case host == "":
		return bad(s, "missing host")
	case host == "*":
		return nil
	case strings.Contains(host, ";"):
		return bad(s, "more than one source address (source;destination)")
	case len(host) > 253:
		return bad(s, "host name too long")
	}
	for i := 0; i < len(host); i++ {
		c := host[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
			c == '-' || c == '.' || c == '_') {
			return bad(s, fmt.Sprintf("invalid character %q in host", c))
		}
	}
	return nil
}

func checkPort(s, port string) error {
	if port == "" {
		return bad(s, "missing port")
	}
	if port == "*" {
		return nil
	}
	// ParseUint alone would take "+5" in some forms and libzmq's atoi takes
	// " 5" and "-1"; only plain decimal digits are unambiguous.
	for i := 0; i < len(port); i++ {
		if port[i] < '0' || port[i] > '9' {
			return bad(s, fmt.Sprintf("invalid port %q", port))
		}
	}
	if n, err := strconv.ParseUint(port, 10, 16); err != nil || n > 65535 {
		return bad(s, fmt.Sprintf("port %s out of range 0..65535", port))
	}
	return nil
}

func checkIPC(s, addr string) error {
	switch {
	case addr == "*":
		return nil
	case addr == "@":
		return bad(s, "empty abstract socket name")
	case strings.IndexByte(addr, 0) >= 0:
		return bad(s, "NUL byte in ipc address")
	case len(addr) > maxUnixPath:
		return bad(s, fmt.Sprintf("ipc address is %d bytes, longer than the %d-byte unix socket limit", len(addr), maxUnixPath))
	}
	return nil
}

func bindEndpoint(ep Endpoint) (Endpoint, error) {
	if ep.Source != "" {
		return Endpoint{}, bad(ep.String(), "a source address (source;destination) is for connect only")
	}
	hostport, path := ep.Address, ""
	switch ep.Transport {
	case TCP, UDP:
	case WS, WSS:
		hostport, path = SplitWS(ep.Address)
	default:
		return ep, nil
	}
	host, port, err := splitTCP(ep.String(), hostport)
	if err != nil {
		return Endpoint{}, err
	}
	if _, err := netip.ParseAddr(host); err == nil || host == "*" {
		return ep, nil
	}
	ifi, err := net.InterfaceByName(host)
	if err != nil {
		return ep, nil // not an interface: a host name, resolved by Listen
	}
	ip, err := interfaceAddr(ifi)
	if err != nil {
		return Endpoint{}, bad(ep.String(), err.Error())
	}
	ep.Address = net.JoinHostPort(ip, port) + path
	return ep, nil
}

// interfaceAddr picks the interface's first IPv4 address, as libzmq does
// without ZMQ_IPV6, falling back to IPv6 (as with ZMQ_IPV6) rather than
// failing for an IPv6-only interface.
func interfaceAddr(ifi *net.Interface) (string, error) {
	addrs, err := ifi.Addrs()
	if err != nil {
		return "", fmt.Errorf("interface %s: %v", ifi.Name, err)
	}
	var v6 string
	for _, a := range addrs {
		ipn, ok := a.(*net.IPNet)
		if !ok {
			continue
		}
		ip, ok := netip.AddrFromSlice(ipn.IP)
		if !ok {
			continue
		}
		ip = ip.Unmap()
		if ip.Is4() {
			return ip.String(), nil
		}
		if v6 == "" {
			if ip.IsLinkLocalUnicast() {
				ip = ip.WithZone(ifi.Name)
			}
			v6 = ip.String()
		}
	}
	if v6 == "" {
		return "", fmt.Errorf("interface %s has no IP address", ifi.Name)
	}
	return v6, nil
}

func checkConnect(ep Endpoint) error {
	s := ep.String()
	switch ep.Transport {
	case TCP, UDP, WS, WSS:
		hostport, _ := SplitWS(ep.Address)
		host, port, err := splitTCP(s, hostport)
		if err != nil {
			return err
		}
		if host == "*" {
			return bad(s, `"*" (all interfaces) is only valid for bind; connect needs a host`)
		}
		if port == "*" {
			return bad(s, `"*" (ephemeral port) is only valid for bind; connect needs a port`)
		}
		if strings.TrimLeft(port, "0") == "" {
			return bad(s, "port 0 is only valid for bind")
		}
	case IPC:
		if ep.Address == "*" {
			return bad(s, `"*" (temporary path) is only valid for bind`)
		}
		return checkIPC(s, ep.Address)
	}
	return nil
}

// sourceAddr resolves a connect endpoint's source: an IP address, an
// interface name (its first address) or a host name, and a port, "*" or 0
// for any.
func sourceAddr(ctx context.Context, ep Endpoint) (*net.TCPAddr, error) {
	host, port, err := splitTCP(ep.String(), ep.Source)
	if err != nil {
		return nil, err
	}
	if port == "*" {
		port = "0"
	}
	if ifi, err := net.InterfaceByName(host); err == nil {
		if host, err = interfaceAddr(ifi); err != nil {
			return nil, bad(ep.String(), err.Error())
		}
	}
	if host == "*" {
		host = ""
	}
	var r net.Resolver
	addrs, err := r.LookupNetIP(ctx, "ip", host)
	if host == "" {
		addrs, err = nil, nil
	}
	if err != nil {
		return nil, err
	}
	n, _ := strconv.Atoi(port)
	a := &net.TCPAddr{Port: n}
	if len(addrs) > 0 {
		a.IP = addrs[0].Unmap().AsSlice()
	}
	return a, nil
}
