package zmq_test

import (
	"errors"
	"fmt"
	"net"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/purezmq/zmq"
)

// A new socket reads back libzmq 4.3's defaults.
func TestOptionsDefaults(t *testing.T) {
	got := newSocket(t, zmq.DEALER).Options()
	want := zmq.OptionValues{
		Type: zmq.DEALER, SendHWM: 1000, RecvHWM: 1000, Linger: 0, // newSocket sets linger 0
		SendTimeout: -1, RecvTimeout: -1, ReconnectInterval: 100 * time.Millisecond,
		MaxMsgSize: -1, HandshakeTimeout: 30 * time.Second, MinZMTPVersion: 2, Mechanism: "NULL", StreamNotify: true,
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("defaults:\n got %+v\nwant %+v", got, want)
	}
}

// Every option set is read back as it was given.
func TestOptionsReadBack(t *testing.T) {
	ka := net.KeepAliveConfig{Enable: true, Idle: 7 * time.Second}
	cases := []struct {
		typ   zmq.Type
		opt   zmq.Option
		check func(v zmq.OptionValues) bool
	}{
		{zmq.DEALER, zmq.WithSendHWM(5), func(v zmq.OptionValues) bool { return v.SendHWM == 5 }},
		{zmq.DEALER, zmq.WithRecvHWM(6), func(v zmq.OptionValues) bool { return v.RecvHWM == 6 }},
		{zmq.DEALER, zmq.WithLinger(time.Second), func(v zmq.OptionValues) bool { return v.Linger == time.Second }},
		{zmq.DEALER, zmq.WithSendTimeout(time.Second), func(v zmq.OptionValues) bool { return v.SendTimeout == time.Second }},
		{zmq.DEALER, zmq.WithRecvTimeout(time.Second), func(v zmq.OptionValues) bool { return v.RecvTimeout == time.Second }},
		{zmq.DEALER, zmq.WithRoutingID([]byte("me")), func(v zmq.OptionValues) bool { return string(v.RoutingID) == "me" }},
		{zmq.DEALER, zmq.WithReconnectInterval(time.Second, time.Minute), func(v zmq.OptionValues) bool {
			return v.ReconnectInterval == time.Second && v.ReconnectIntervalMax == time.Minute
		}},
		{zmq.DEALER, zmq.WithReconnectStop(zmq.ReconnectStopConnRefused), func(v zmq.OptionValues) bool { return v.ReconnectStop == zmq.ReconnectStopConnRefused }},
		{zmq.DEALER, zmq.WithMaxMsgSize(99), func(v zmq.OptionValues) bool { return v.MaxMsgSize == 99 }},
		{zmq.DEALER, zmq.WithHeartbeat(time.Second, 2*time.Second, 3*time.Second), func(v zmq.OptionValues) bool {
			return v.HeartbeatInterval == time.Second && v.HeartbeatTimeout == 2*time.Second && v.HeartbeatTTL == 3*time.Second
		}},
		{zmq.DEALER, zmq.WithHandshakeTimeout(time.Second), func(v zmq.OptionValues) bool { return v.HandshakeTimeout == time.Second }},
		{zmq.DEALER, zmq.WithMinZMTPVersion(1), func(v zmq.OptionValues) bool { return v.MinZMTPVersion == 1 }},
		{zmq.DEALER, zmq.WithImmediate(true), func(v zmq.OptionValues) bool { return v.Immediate }},
		{zmq.DEALER, zmq.WithPlainServer(), func(v zmq.OptionValues) bool { return v.Mechanism == "PLAIN" && v.SecurityServer }},
		{zmq.DEALER, zmq.WithPlainClient("ann", "secret"), func(v zmq.OptionValues) bool { return v.Mechanism == "PLAIN" && v.PlainUser == "ann" }},
		{zmq.DEALER, zmq.WithZAPDomain("d"), func(v zmq.OptionValues) bool { return v.ZAPDomain == "d" }},
		{zmq.DEALER, zmq.WithZAPEnforceDomain(true), func(v zmq.OptionValues) bool { return v.ZAPEnforceDomain }},
		{zmq.DEALER, zmq.WithMetadata(map[string]string{"X-A": "b"}), func(v zmq.OptionValues) bool { return v.Metadata["X-A"] == "b" }},
		{zmq.DEALER, zmq.WithHelloMsg([]byte("h")), func(v zmq.OptionValues) bool { return string(v.HelloMsg) == "h" }},
		{zmq.ROUTER, zmq.WithDisconnectMsg([]byte("d")), func(v zmq.OptionValues) bool { return string(v.DisconnectMsg) == "d" }},
		{zmq.DEALER, zmq.WithHiccupMsg([]byte("c")), func(v zmq.OptionValues) bool { return string(v.HiccupMsg) == "c" }},
		{zmq.DEALER, zmq.WithTCPKeepAlive(ka), func(v zmq.OptionValues) bool { return v.TCPKeepAlive != nil && *v.TCPKeepAlive == ka }},
		{zmq.DEALER, zmq.WithSocketBuffers(1<<16, 1<<17), func(v zmq.OptionValues) bool { return v.SendBuffer == 1<<16 && v.RecvBuffer == 1<<17 }},
		{zmq.DEALER, zmq.WithConnectTimeout(time.Second), func(v zmq.OptionValues) bool { return v.ConnectTimeout == time.Second }},
		{zmq.DEALER, zmq.WithBacklog(7), func(v zmq.OptionValues) bool { return v.Backlog == 7 }},
		{zmq.DEALER, zmq.WithTOS(8), func(v zmq.OptionValues) bool { return v.TOS == 8 }},
		{zmq.DEALER, zmq.WithTCPMaxRT(time.Second), func(v zmq.OptionValues) bool { return v.TCPMaxRT == time.Second }},
		{zmq.DEALER, zmq.WithBindToDevice("lo"), func(v zmq.OptionValues) bool { return v.BindToDevice == "lo" }},
		{zmq.DEALER, zmq.WithIPv6(true), func(v zmq.OptionValues) bool { return v.IPv6 }},
		{zmq.DEALER, zmq.WithTCPAcceptFilter("127.0.0.1", "10.1.2.3/8"), func(v zmq.OptionValues) bool {
			return reflect.DeepEqual(v.TCPAcceptFilter, []string{"127.0.0.1", "10.0.0.0/8"})
		}},
		{zmq.DEALER, zmq.WithIPCFilterUID(1, 2), func(v zmq.OptionValues) bool { return reflect.DeepEqual(v.IPCFilterUID, []int{1, 2}) }},
		{zmq.DEALER, zmq.WithIPCFilterGID(3), func(v zmq.OptionValues) bool { return reflect.DeepEqual(v.IPCFilterGID, []int{3}) }},
		{zmq.DEALER, zmq.WithIPCFilterPID(4), func(v zmq.OptionValues) bool { return reflect.DeepEqual(v.IPCFilterPID, []int{4}) }},
		{zmq.ROUTER, zmq.WithRouterMandatory(true), func(v zmq.OptionValues) bool { return v.RouterMandatory }},
		{zmq.ROUTER, zmq.WithRouterHandover(true), func(v zmq.OptionValues) bool { return v.RouterHandover }},
		{zmq.ROUTER, zmq.WithRouterNotify(zmq.NotifyDisconnect), func(v zmq.OptionValues) bool { return v.RouterNotify == zmq.NotifyDisconnect }},
		{zmq.DEALER, zmq.WithProbeRouter(true), func(v zmq.OptionValues) bool { return v.ProbeRouter }},
		{zmq.ROUTER, zmq.WithConnectRoutingID([]byte("c")), func(v zmq.OptionValues) bool { return string(v.ConnectRoutingID) == "c" }},
		{zmq.REQ, zmq.WithReqRelaxed(true), func(v zmq.OptionValues) bool { return v.ReqRelaxed }},
		{zmq.REQ, zmq.WithReqCorrelate(true), func(v zmq.OptionValues) bool { return v.ReqCorrelate }},
		{zmq.XPUB, zmq.WithXPubVerbose(true), func(v zmq.OptionValues) bool { return v.XPubVerbose && !v.XPubVerboser }},
		{zmq.XPUB, zmq.WithXPubVerboser(true), func(v zmq.OptionValues) bool { return v.XPubVerboser }},
		{zmq.XPUB, zmq.WithXPubManual(true), func(v zmq.OptionValues) bool { return v.XPubManual && !v.XPubManualLastValue }},
		{zmq.XPUB, zmq.WithXPubManualLastValue(true), func(v zmq.OptionValues) bool { return v.XPubManual && v.XPubManualLastValue }},
		{zmq.PUB, zmq.WithXPubNoDrop(true), func(v zmq.OptionValues) bool { return v.XPubNoDrop }},
		{zmq.PUB, zmq.WithXPubWelcomeMsg([]byte("w")), func(v zmq.OptionValues) bool { return string(v.XPubWelcomeMsg) == "w" }},
		{zmq.XSUB, zmq.WithOnlyFirstSubscribe(true), func(v zmq.OptionValues) bool { return v.OnlyFirstSubscribe }},
		{zmq.SUB, zmq.WithInvertMatching(true), func(v zmq.OptionValues) bool { return v.InvertMatching }},
		{zmq.PULL, zmq.WithConflate(true), func(v zmq.OptionValues) bool { return v.Conflate }},
		{zmq.STREAM, zmq.WithStreamNotify(false), func(v zmq.OptionValues) bool { return !v.StreamNotify }},
	}
	for i, c := range cases {
		s := newSocket(t, c.typ, c.opt)
		if v := s.Options(); !c.check(v) {
			t.Errorf("case %d (%v): read back %+v", i, c.typ, v)
		}
	}
}

// CURVE keys read back are the public ones; no secret is in the snapshot.
func TestOptionsHideSecrets(t *testing.T) {
	serverPublic, serverSecret, _ := zmq.NewCurveKeyPair()
	public, secret, _ := zmq.NewCurveKeyPair()
	server := newSocket(t, zmq.REP, zmq.WithCurveServer(serverSecret))
	if v := server.Options(); v.CurvePublicKey != serverPublic || !v.SecurityServer {
		t.Errorf("server: public key %q, server %v; want %q", v.CurvePublicKey, v.SecurityServer, serverPublic)
	}
	client := newSocket(t, zmq.REQ, zmq.WithCurveClient(serverPublic, public, secret))
	v := client.Options()
	if v.CurvePublicKey != public || v.CurveServerKey != serverPublic {
		t.Errorf("client: keys %q, %q", v.CurvePublicKey, v.CurveServerKey)
	}
	plain := newSocket(t, zmq.REQ, zmq.WithPlainClient("ann", "hunter2"))
	for _, dump := range []string{fmt.Sprintf("%+v", server.Options()), fmt.Sprintf("%+v", v), fmt.Sprintf("%+v", plain.Options())} {
		for _, s := range []string{serverSecret, secret, "hunter2"} {
			if strings.Contains(dump, s) {
				t.Errorf("a secret is in the snapshot: %s", dump)
			}
		}
	}
}

// A SetOptions call with a refused option applies none of its options,
// and the snapshot is a copy: changing it changes nothing.
func TestRefusedOptionAppliesNothing(t *testing.T) {
	pub := newSocket(t, zmq.PUB, zmq.WithSendHWM(1), zmq.WithXPubWelcomeMsg([]byte("hi")))
	err := pub.SetOptions(zmq.WithSendHWM(1000), zmq.WithReqRelaxed(true))
	if !errors.Is(err, zmq.ErrInvalid) {
		t.Fatalf("SetOptions(WithSendHWM, WithReqRelaxed) on PUB = %v, want ErrInvalid", err)
	}
	v := pub.Options()
	if v.SendHWM != 1 {
		t.Errorf("send HWM %d after a refused SetOptions, want 1 as before", v.SendHWM)
	}
	v.XPubWelcomeMsg[0] = 'X'
	if got := pub.Options().XPubWelcomeMsg; string(got) != "hi" {
		t.Errorf("welcome message %q after changing a snapshot, want \"hi\"", got)
	}
}
