package zmq

import (
	"net"
	"time"

	"github.com/purezmq/zmq/internal/z85"
)

// OptionValues are a socket's options as they stand, one field per
// option, named after its With function: what libzmq's zmq_getsockopt
// reads one at a time. Socket.Options returns them all at once, as a copy
// taken under one lock, so the values are consistent with each other and
// can be compared, printed or kept; one method documents them all, where a
// getter per option would be fifty more methods on Socket.
//
// Secrets are not read back: no PLAIN password and no CURVE secret key,
// only the public keys, since a snapshot is easily logged whole.
type OptionValues struct {
	Type                                              Type
	LastEndpoint                                      string
	SendHWM, RecvHWM                                  int
	Linger                                            time.Duration
	SendTimeout, RecvTimeout                          time.Duration
	RoutingID                                         []byte
	ReconnectInterval, ReconnectIntervalMax           time.Duration
	ReconnectStop                                     ReconnectStop
	MaxMsgSize                                        int64
	HeartbeatInterval, HeartbeatTimeout, HeartbeatTTL time.Duration
	HandshakeTimeout                                  time.Duration
	MinZMTPVersion                                    int
	Immediate                                         bool
	// Mechanism is "NULL", "PLAIN" or "CURVE"; SecurityServer tells the
	// server of PLAIN or CURVE from its client.
	Mechanism      string
	SecurityServer bool
	// PlainUser is a PLAIN client's user name.
	PlainUser string
	// CurvePublicKey is this socket's CURVE public key, and CurveServerKey
	// a client's server key, as Z85.
	CurvePublicKey, CurveServerKey string
	ZAPDomain                      string
	ZAPEnforceDomain               bool
	Metadata                       map[string]string
	HelloMsg, DisconnectMsg        []byte
	HiccupMsg                      []byte

	TCPKeepAlive             *net.KeepAliveConfig
	SendBuffer, RecvBuffer   int
	ConnectTimeout           time.Duration
	Backlog                  int
	TOS                      int
	TCPMaxRT                 time.Duration
	BindToDevice             string
	IPv6                     bool
	TCPAcceptFilter          []string
	IPCFilterUID             []int
	IPCFilterGID             []int
	IPCFilterPID             []int
	RouterMandatory          bool
	RouterHandover           bool
	RouterNotify             RouterNotify
	ProbeRouter              bool
	ConnectRoutingID         []byte
	ReqRelaxed, ReqCorrelate bool
	XPubVerbose              bool
	XPubVerboser             bool
	XPubManual               bool
	XPubManualLastValue      bool
	XPubNoDrop               bool
	XPubWelcomeMsg           []byte
	OnlyFirstSubscribe       bool
	InvertMatching           bool
	Conflate                 bool
	StreamNotify             bool
	// SOCKSProxy and SOCKSUser are the proxy and its user name (the
	// password is not read back).
	SOCKSProxy, SOCKSUser string
}

// Options returns the socket's options as they stand (see OptionValues).
func (s *Socket) Options() OptionValues {
	s.mu.Lock()
	o := s.opts
	last := s.lastEndpoint
	s.mu.Unlock()
	p := o.patterns
	v := OptionValues{
		Type: s.typ, LastEndpoint: last,
		SendHWM: o.sendHWM, RecvHWM: o.recvHWM, Linger: o.linger,
		SendTimeout: o.sendTimeout, RecvTimeout: o.recvTimeout,
		RoutingID:         cloneSlice(o.routingID),
		ReconnectInterval: o.reconnectMin, ReconnectIntervalMax: o.reconnectMax, ReconnectStop: o.reconnectStop,
		MaxMsgSize:        o.maxMsgSize,
		HeartbeatInterval: o.heartbeatIvl, HeartbeatTimeout: o.heartbeatTimeout, HeartbeatTTL: o.heartbeatTTL,
		HandshakeTimeout: o.handshakeTimeout, MinZMTPVersion: o.minZMTP, Immediate: o.immediate,
		Mechanism: o.security.mechanism, SecurityServer: o.security.server, PlainUser: o.security.user,
		ZAPDomain: o.zapDomain, ZAPEnforceDomain: o.zapEnforce,
		HelloMsg: cloneSlice(o.helloMsg), DisconnectMsg: cloneSlice(o.disconnectMsg), HiccupMsg: cloneSlice(o.hiccupMsg),
		SendBuffer: o.tuning.SendBuffer, RecvBuffer: o.tuning.RecvBuffer, ConnectTimeout: o.tuning.ConnectTimeout,
		Backlog: o.tuning.Backlog, TOS: o.tuning.TOS, TCPMaxRT: o.tuning.MaxRetransmit,
		BindToDevice: o.tuning.BindToDevice, IPv6: o.tuning.IPv6,
		IPCFilterUID: cloneSlice(o.tuning.PeerUIDs), IPCFilterGID: cloneSlice(o.tuning.PeerGIDs), IPCFilterPID: cloneSlice(o.tuning.PeerPIDs),
		RouterMandatory: o.routerMandatory, RouterHandover: p.routerHandover, RouterNotify: p.routerNotify,
		ProbeRouter: p.probeRouter, ConnectRoutingID: cloneSlice(p.connectRoutingID),
		ReqRelaxed: o.reqRelaxed, ReqCorrelate: o.reqCorrelate,
		XPubVerbose: p.xpubVerboseSubs && !p.xpubVerboseUnsub, XPubVerboser: p.xpubVerboseUnsub,
		XPubManual: p.xpubManual, XPubManualLastValue: p.xpubManualLastValue, XPubNoDrop: p.xpubNoDrop,
		XPubWelcomeMsg: cloneSlice(p.xpubWelcome), OnlyFirstSubscribe: p.onlyFirstSubscribe,
		InvertMatching: p.invertMatching, Conflate: p.conflate, StreamNotify: !p.streamSilent,
		SOCKSProxy: o.socksProxy, SOCKSUser: o.socksUser,
	}
	if v.Mechanism == "" {
		v.Mechanism = "NULL"
	}
	if v.Mechanism == "CURVE" {
		v.CurvePublicKey, _ = z85.Encode(o.security.public[:])
		if !o.security.server {
			v.CurveServerKey, _ = z85.Encode(o.security.serverPublic[:])
		}
	}
	if ka := o.tuning.KeepAlive; ka != nil {
		c := *ka
		v.TCPKeepAlive = &c
	}
	for _, p := range o.tuning.AcceptFrom {
		if p.Bits() == p.Addr().BitLen() {
			v.TCPAcceptFilter = append(v.TCPAcceptFilter, p.Addr().String())
		} else {
			v.TCPAcceptFilter = append(v.TCPAcceptFilter, p.String())
		}
	}
	if len(o.metadata) > 0 {
		v.Metadata = make(map[string]string, len(o.metadata))
		for _, p := range o.metadata {
			v.Metadata[p.Name] = p.Value
		}
	}
	return v
}

func cloneSlice[T any](s []T) []T {
	if s == nil {
		return nil
	}
	return append([]T{}, s...)
}
