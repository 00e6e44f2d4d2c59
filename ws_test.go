package zmq_test

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/purezmq/zmq"
	"github.com/purezmq/zmq/internal/testcert"
)

// wsPair is two sockets joined over ws or wss, one binding.
type wsPair struct {
	binder, connecter *zmq.Socket
}

func joinWS(t *testing.T, scheme string, bindType, connectType zmq.Type, opts ...zmq.Option) wsPair {
	t.Helper()
	serverTLS, clientTLS := testcert.TLS(t)
	b := newSocket(t, bindType, append([]zmq.Option{zmq.WithTLSConfig(serverTLS)}, opts...)...)
	c := newSocket(t, connectType, append([]zmq.Option{zmq.WithTLSConfig(clientTLS)}, opts...)...)
	ep := bind(t, b, scheme+"://127.0.0.1:*/zmq")
	connect(t, c, ep)
	return wsPair{b, c}
}

// exchange sends a request and a reply between a and b, the pattern's way.
type exchange func(t *testing.T, a, b *zmq.Socket)

func reqRep(t *testing.T, req, rep *zmq.Socket) {
	send(t, req, "ping", "two")
	expect(t, rep, "ping", "two")
	send(t, rep, "pong")
	expect(t, req, "pong")
}

func pushPull(t *testing.T, push, pull *zmq.Socket) {
	send(t, push, "work", "")
	expect(t, pull, "work", "")
}

func pairPair(t *testing.T, a, b *zmq.Socket) {
	send(t, a, "to b")
	expect(t, b, "to b")
	send(t, b, "to a")
	expect(t, a, "to a")
}

func dealerRouter(t *testing.T, dealer, router *zmq.Socket) {
	send(t, dealer, "hello")
	got := recv(t, router)
	if len(got) != 2 || got[1] != "hello" {
		t.Fatalf("router received %q", got)
	}
	send(t, router, got[0], "welcome")
	expect(t, dealer, "welcome")
}

func reqRouter(t *testing.T, req, router *zmq.Socket) {
	send(t, req, "hello")
	got := recv(t, router)
	if len(got) != 3 || got[1] != "" || got[2] != "hello" {
		t.Fatalf("router received %q", got)
	}
	send(t, router, got[0], "", "welcome")
	expect(t, req, "welcome")
}

func dealerRep(t *testing.T, dealer, rep *zmq.Socket) {
	send(t, dealer, "", "hello")
	expect(t, rep, "hello")
	send(t, rep, "welcome")
	expect(t, dealer, "", "welcome")
}

func pubSub(t *testing.T, pub, sub *zmq.Socket) {
	if err := sub.Subscribe("news"); err != nil {
		t.Fatal(err)
	}
	syncTopic(t, pub, sub, "news")
	send(t, pub, "sports", "skipped")
	send(t, pub, "news", "kept")
	expect(t, sub, "news", "kept")
}

func xpubXsub(t *testing.T, xpub, xsub *zmq.Socket) {
	send(t, xsub, "\x01topic")
	expect(t, xpub, "\x01topic")
	send(t, xpub, "topic", "data")
	expect(t, xsub, "topic", "data")
}

// wsPatterns are the socket types that can talk, each with the exchange
// that proves it, the first socket sending first.
var wsPatterns = []struct {
	a, b zmq.Type
	run  exchange
}{
	{zmq.REQ, zmq.REP, reqRep},
	{zmq.PUSH, zmq.PULL, pushPull},
	{zmq.PAIR, zmq.PAIR, pairPair},
	{zmq.DEALER, zmq.ROUTER, dealerRouter},
	{zmq.REQ, zmq.ROUTER, reqRouter},
	{zmq.DEALER, zmq.REP, dealerRep},
	{zmq.DEALER, zmq.DEALER, pairPair},
	{zmq.PUB, zmq.SUB, pubSub},
	{zmq.XPUB, zmq.XSUB, xpubXsub},
	{zmq.PUB, zmq.XSUB, xpubXsubData},
	{zmq.XPUB, zmq.SUB, pubSub},
	{zmq.CLIENT, zmq.SERVER, clientServer},
	{zmq.RADIO, zmq.DISH, radioDish},
	{zmq.SCATTER, zmq.GATHER, singleOneWay},
	{zmq.CHANNEL, zmq.CHANNEL, singlePair},
}

func clientServer(t *testing.T, client, server *zmq.Socket) {
	send(t, client, "hello")
	m := recvMsg(t, server)
	if m.String() != "hello" || m.RoutingID == 0 {
		t.Fatalf("server received %q from %d", m.Frames, m.RoutingID)
	}
	sendMsg(t, server, routed(m.RoutingID, "welcome"))
	expect(t, client, "welcome")
}

func radioDish(t *testing.T, radio, dish *zmq.Socket) {
	if err := dish.Join("weather"); err != nil {
		t.Fatal(err)
	}
	syncGroup(t, radio, dish, "weather")
	sendMsg(t, radio, grouped("sport", "skipped"))
	sendMsg(t, radio, grouped("weather", "22C"))
	if m := recvMsg(t, dish); m.Group != "weather" || m.String() != "22C" {
		t.Fatalf("dish received %q in %q", m.Frames, m.Group)
	}
}

func singleOneWay(t *testing.T, a, b *zmq.Socket) {
	send(t, a, "work")
	expect(t, b, "work")
}

func singlePair(t *testing.T, a, b *zmq.Socket) {
	send(t, a, "to b")
	expect(t, b, "to b")
	send(t, b, "to a")
	expect(t, a, "to a")
}

// PEER over ws: the connecting side speaks first, to the id ConnectPeer
// gave it.
func TestWebSocketPeer(t *testing.T) {
	a := newSocket(t, zmq.PEER)
	b := newSocket(t, zmq.PEER)
	id, err := b.ConnectPeer(bind(t, a, "ws://127.0.0.1:*/peer"))
	if err != nil {
		t.Fatal(err)
	}
	sendMsg(t, b, routed(id, "hello a"))
	m := recvMsg(t, a)
	sendMsg(t, a, routed(m.RoutingID, "hello b"))
	if m := recvMsg(t, b); m.String() != "hello b" || m.RoutingID != id {
		t.Fatalf("b received %q from %d, want from %d", m.Frames, m.RoutingID, id)
	}
}

func xpubXsubData(t *testing.T, pub, xsub *zmq.Socket) {
	send(t, xsub, "\x01t")
	syncTopic(t, pub, xsub, "t")
	send(t, pub, "t", "data")
	expect(t, xsub, "t", "data")
}

// Every socket type over ws and wss, either side binding.
func TestWebSocketSocketTypes(t *testing.T) {
	for _, scheme := range []string{"ws", "wss"} {
		for _, p := range wsPatterns {
			for _, aBinds := range []bool{true, false} {
				name := scheme + "/" + p.a.String() + "-" + p.b.String()
				if aBinds {
					name += "/first-binds"
				}
				t.Run(name, func(t *testing.T) {
					if aBinds {
						j := joinWS(t, scheme, p.a, p.b)
						p.run(t, j.binder, j.connecter)
					} else {
						j := joinWS(t, scheme, p.b, p.a)
						p.run(t, j.connecter, j.binder)
					}
				})
			}
		}
	}
}

func TestWebSocketEndpoints(t *testing.T) {
	for _, tt := range []struct{ bind, prefix, suffix string }{
		{"ws://127.0.0.1:*/zmq", "ws://127.0.0.1:", "/zmq"},
		{"ws://127.0.0.1:*", "ws://127.0.0.1:", ""},
		{"ws://[::1]:*/v6", "ws://[::1]:", "/v6"},
		{"ws://*:*/any", "ws://0.0.0.0:", "/any"},
	} {
		t.Run(tt.bind, func(t *testing.T) {
			pull := newSocket(t, zmq.PULL)
			ep := bind(t, pull, tt.bind)
			if !strings.HasPrefix(ep, tt.prefix) || !strings.HasSuffix(ep, tt.suffix) || strings.Contains(ep, "*") {
				t.Fatalf("LastEndpoint %q", ep)
			}
			push := newSocket(t, zmq.PUSH)
			connect(t, push, strings.Replace(ep, "0.0.0.0", "127.0.0.1", 1))
			send(t, push, "via", ep)
			expect(t, pull, "via", ep)
			if err := pull.Unbind(ep); err != nil {
				t.Fatalf("Unbind(%s): %v", ep, err)
			}
		})
	}
}

// A bind without a path serves every path, as libzmq does; one with a path
// serves that path only.
func TestWebSocketPaths(t *testing.T) {
	anyPath := newSocket(t, zmq.PULL)
	ep := bind(t, anyPath, "ws://127.0.0.1:*")
	push := newSocket(t, zmq.PUSH)
	connect(t, push, ep+"/whatever/path")
	send(t, push, "any path")
	expect(t, anyPath, "any path")

	onePath := newSocket(t, zmq.PULL)
	ep = bind(t, onePath, "ws://127.0.0.1:*/only")
	mon := onePath.Monitor(zmq.EventHandshakeFailedProtocol)
	wrong := newSocket(t, zmq.PUSH)
	connect(t, wrong, strings.TrimSuffix(ep, "/only")+"/other")
	if e := nextEvent(t, mon, zmq.EventHandshakeFailedProtocol); !strings.Contains(e.Err.Error(), "404") {
		t.Fatalf("wrong path: %v", e)
	}
	eventually(t, "the refusal to be counted", func() bool { return onePath.Stats().ProtocolErrors > 0 })
}

func TestWebSocketRefusals(t *testing.T) {
	_, clientTLS := testcert.TLS(t)
	tests := []struct {
		name     string
		typ      zmq.Type
		opts     []zmq.Option
		endpoint string
		bind     bool
	}{
		{"wss bind without TLS", zmq.PULL, nil, "wss://127.0.0.1:*/zmq", true},
		{"wss connect without TLS", zmq.PUSH, nil, "wss://127.0.0.1:5555/zmq", false},
		{"wss bind without a certificate", zmq.PULL, []zmq.Option{zmq.WithTLSConfig(clientTLS)}, "wss://127.0.0.1:*/zmq", true},
		{"STREAM bind", zmq.STREAM, nil, "ws://127.0.0.1:*/zmq", true},
		{"STREAM connect", zmq.STREAM, nil, "ws://127.0.0.1:5555/zmq", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newSocket(t, tt.typ, tt.opts...)
			var err error
			if tt.bind {
				err = s.Bind(tt.endpoint)
			} else {
				err = s.Connect(tt.endpoint)
			}
			if !errors.Is(err, zmq.ErrInvalid) {
				t.Fatalf("err %v, want ErrInvalid", err)
			}
		})
	}
}

// A wss client checks the server's certificate.
func TestWebSocketTLSVerifiesServer(t *testing.T) {
	serverTLS, _ := testcert.TLS(t)
	_, otherClientTLS := testcert.TLS(t) // trusts another certificate
	pull := newSocket(t, zmq.PULL, zmq.WithTLSConfig(serverTLS))
	ep := bind(t, pull, "wss://127.0.0.1:*/zmq")
	push := newSocket(t, zmq.PUSH, zmq.WithTLSConfig(otherClientTLS))
	mon := push.Monitor(zmq.EventAll)
	connect(t, push, ep)
	e := nextEvent(t, mon, zmq.EventHandshakeFailedNoDetail, zmq.EventHandshakeFailedProtocol, zmq.EventHandshakeSucceeded)
	if e.Type == zmq.EventHandshakeSucceeded || !strings.Contains(e.Err.Error(), "certificate") {
		t.Fatalf("untrusted server: %v", e)
	}
}

// Only the connecting side sends pings (WebSocket ping frames): the
// binding side's pongs alone keep it from dropping the connection.
func TestWebSocketHeartbeats(t *testing.T) {
	rep := newSocket(t, zmq.REP)
	req := newSocket(t, zmq.REQ, zmq.WithHeartbeat(100*time.Millisecond, time.Second, 0))
	mon := req.Monitor(zmq.EventDisconnected)
	connect(t, req, bind(t, rep, "ws://127.0.0.1:*/zmq"))
	reqRep(t, req, rep)
	// Three heartbeat timeouts of silence.
	select {
	case e := <-mon.C:
		t.Fatalf("connection dropped while idle: %v", e)
	case <-time.After(3 * time.Second):
	}
	reqRep(t, req, rep)
	if s := req.Stats(); s.HeartbeatTimeouts != 0 {
		t.Fatalf("heartbeat timeouts: %+v", s)
	}
}

// serveHTTP runs an http.Server on a fresh loopback port until the test
// ends.
func serveHTTP(t *testing.T, h http.Handler) string {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return strings.TrimPrefix(srv.URL, "http://")
}

func TestWebSocketHandler(t *testing.T) {
	rep := newSocket(t, zmq.REP)
	mux := http.NewServeMux()
	mux.Handle("/zmq", rep.WebSocketHandler())
	mux.HandleFunc("/health", func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte("ok")) })
	addr := serveHTTP(t, mux)

	mon := rep.Monitor(zmq.EventAccepted | zmq.EventHandshakeSucceeded)
	for i := range 3 {
		req := newSocket(t, zmq.REQ)
		connect(t, req, "ws://"+addr+"/zmq")
		reqRep(t, req, rep)
		if i == 0 {
			e := nextEvent(t, mon, zmq.EventAccepted)
			if e.Endpoint != "ws://"+addr+"/zmq" {
				t.Fatalf("accepted on %q", e.Endpoint)
			}
		}
	}
	resp, err := http.Get("http://" + addr + "/health")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	// A plain request to the socket's path is refused and counted.
	resp, err = http.Get("http://" + addr + "/zmq")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("plain GET answered %d", resp.StatusCode)
	}
	eventually(t, "the refusal to be counted", func() bool { return rep.Stats().ProtocolErrors == 1 })
}

func TestWebSocketHandlerTLS(t *testing.T) {
	pull := newSocket(t, zmq.PULL)
	srv := httptest.NewTLSServer(pull.WebSocketHandler())
	t.Cleanup(srv.Close)
	roots := x509.NewCertPool()
	roots.AddCert(srv.Certificate())
	push := newSocket(t, zmq.PUSH, zmq.WithTLSConfig(&tls.Config{RootCAs: roots}))
	connect(t, push, "wss://"+strings.TrimPrefix(srv.URL, "https://")+"/any")
	send(t, push, "over", "https")
	expect(t, pull, "over", "https")
}

// Closing the socket ends the handler's connections and requests, and
// later requests are refused.
func TestWebSocketHandlerClose(t *testing.T) {
	pull, err := zmq.NewSocket(zmq.PULL, zmq.WithLinger(0))
	if err != nil {
		t.Fatal(err)
	}
	handled := make(chan struct{}, 2)
	addr := serveHTTP(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		pull.WebSocketHandler().ServeHTTP(w, r)
		handled <- struct{}{}
	}))
	push := newSocket(t, zmq.PUSH, zmq.WithReconnectInterval(-1, 0))
	mon := push.Monitor(zmq.EventDisconnected)
	connect(t, push, "ws://"+addr+"/zmq")
	send(t, push, "hi")
	expect(t, pull, "hi")
	pull.Close()
	<-handled
	nextEvent(t, mon, zmq.EventDisconnected)
	resp, err := http.Get("http://" + addr + "/zmq")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	<-handled
	if resp.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("after Close: %d", resp.StatusCode)
	}
}
