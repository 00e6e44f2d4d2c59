package zmtp

import "fmt"

// maxPlainField is the longest user name or password: each goes on the wire
// after a 1-byte length (RFC 24).
const maxPlainField = 255

// NewPlainClient returns the client side of PLAIN (RFC 24): HELLO with the
// credentials, WELCOME, INITIATE with our metadata, READY with the server's.
// A user or password over 255 bytes makes Start fail.
func NewPlainClient(cfg Config, user, password string) Mechanism {
	return &plainClient{cfg: cfg, user: user, password: password}
}

// NewPlainServer returns the server side of PLAIN. The credentials are only
// worth something if a ZAP handler checks them, so without cfg.ZAP the
// server refuses every client. That is what libzmq 4.3 does: its
// plain_server_t fails the handshake (no ERROR sent) when zap_connect finds
// no handler, unlike NULL and CURVE which then let the peer in.
func NewPlainServer(cfg Config) Mechanism {
	return &plainServer{cfg: cfg}
}

type plainClientState int

const (
	plainClientNew plainClientState = iota
	plainClientWaitWelcome
	plainClientWaitReady
	plainClientReady
	plainClientFailed
)

type plainClient struct {
	cfg            Config
	user, password string
	state          plainClientState
	peer           Metadata
}

func (m *plainClient) Name() string { return "PLAIN" }

func (m *plainClient) Start() ([]Command, error) {
	if m.state != plainClientNew {
		return nil, m.fail(fmt.Errorf("%w: PLAIN mechanism started twice", ErrProtocol))
	}
	// The lengths, not the values, go in the error: they are credentials.
	if len(m.user) > maxPlainField || len(m.password) > maxPlainField {
		return nil, m.fail(fmt.Errorf("zmq: PLAIN user name (%d bytes) or password (%d bytes) over %d bytes",
			len(m.user), len(m.password), maxPlainField))
	}
	body := make([]byte, 0, 2+len(m.user)+len(m.password))
	body = append(body, byte(len(m.user)))
	body = append(body, m.user...)
	body = append(body, byte(len(m.password)))
	body = append(body, m.password...)
	m.state = plainClientWaitWelcome
	return []Command{{Name: CmdHello, Body: body}}, nil
}

func (m *plainClient) Handle(cmd Command) ([]Command, error) {
	switch {
	case cmd.Name == CmdWelcome && m.state == plainClientWaitWelcome:
		// libzmq requires WELCOME to be exactly its name.
		if len(cmd.Body) != 0 {
			return nil, m.fail(fmt.Errorf("%w: PLAIN WELCOME with %d body bytes", ErrProtocol, len(cmd.Body)))
		}
		m.state = plainClientWaitReady
		return []Command{{Name: CmdInitiate, Body: AppendMetadata(nil, m.cfg.Local)}}, nil
	case cmd.Name == CmdReady && m.state == plainClientWaitReady:
		peer, err := ParseMetadata(cmd.Body)
		if err != nil {
			return nil, m.fail(fmt.Errorf("PLAIN READY: %w", err))
		}
		m.peer = peer
		m.state = plainClientReady
		return nil, nil
	case cmd.Name == CmdError && (m.state == plainClientWaitWelcome || m.state == plainClientWaitReady):
		return nil, m.fail(peerError(cmd.Body))
	}
	return nil, m.fail(fmt.Errorf("%w: unexpected %q command in PLAIN handshake", ErrProtocol, cmd.Name))
}

func (m *plainClient) ZAPRequest() *ZAPRequest { return nil }

func (m *plainClient) ZAPReply(ZAPReply) ([]Command, error) {
	return nil, m.fail(fmt.Errorf("%w: ZAP reply to a PLAIN client", ErrProtocol))
}

func (m *plainClient) Ready() bool            { return m.state == plainClientReady }
func (m *plainClient) PeerMetadata() Metadata { return m.peer }
func (m *plainClient) UserID() string         { return "" }
func (m *plainClient) Codec() Codec           { return nil }

func (m *plainClient) fail(err error) error {
	m.state = plainClientFailed
	return err
}

type plainServerState int

const (
	plainServerWaitHello plainServerState = iota
	plainServerWaitZAP
	plainServerWaitInitiate
	plainServerReady
	plainServerFailed
)

type plainServer struct {
	cfg    Config
	state  plainServerState
	zap    *ZAPRequest
	zapMD  Metadata
	peer   Metadata
	userID string
}

func (m *plainServer) Name() string { return "PLAIN" }

// Start sends nothing: the client speaks first.
func (m *plainServer) Start() ([]Command, error) { return nil, nil }

func (m *plainServer) Handle(cmd Command) ([]Command, error) {
	switch {
	case cmd.Name == CmdHello && m.state == plainServerWaitHello:
		user, password, err := parsePlainHello(cmd.Body)
		if err != nil {
			return nil, m.fail(err)
		}
		if !m.cfg.ZAP {
			return nil, m.fail(fmt.Errorf("%w: PLAIN server has no ZAP handler to check credentials", ErrAuth))
		}
		m.zap = &ZAPRequest{
			Domain:      m.cfg.Domain,
			Address:     m.cfg.PeerAddress,
			RoutingID:   m.cfg.RoutingID,
			Mechanism:   "PLAIN",
			Credentials: [][]byte{user, password},
		}
		m.state = plainServerWaitZAP
		return nil, nil
	case cmd.Name == CmdInitiate && m.state == plainServerWaitInitiate:
		peer, err := ParseMetadata(cmd.Body)
		if err != nil {
			return nil, m.fail(fmt.Errorf("PLAIN INITIATE: %w", err))
		}
		m.peer = mergeMetadata(peer, m.zapMD)
		m.state = plainServerReady
		return []Command{ReadyCommand(m.cfg.Local)}, nil
	}
	return nil, m.fail(fmt.Errorf("%w: unexpected %q command in PLAIN handshake", ErrProtocol, cmd.Name))
}

// parsePlainHello splits HELLO's body into user name and password (copies,
// since the body may be reused). Trailing bytes are refused, as libzmq does.
func parsePlainHello(b []byte) (user, password []byte, err error) {
	field := func() ([]byte, bool) {
		if len(b) < 1 || len(b) < 1+int(b[0]) {
			return nil, false
		}
		f := append([]byte(nil), b[1:1+int(b[0])]...)
		b = b[1+int(b[0]):]
		return f, true
	}
	user, ok1 := field()
	password, ok2 := field()
	if !ok1 || !ok2 || len(b) != 0 {
		return nil, nil, fmt.Errorf("%w: malformed PLAIN HELLO", ErrProtocol)
	}
	return user, password, nil
}

func (m *plainServer) ZAPRequest() *ZAPRequest {
	if m.state != plainServerWaitZAP {
		return nil
	}
	return m.zap
}

// ZAPReply returns the ERROR to send together with the error on refusal:
// the engine is to send the commands before it closes. WELCOME waits for the
// verdict, as in libzmq, so a refused client learns nothing more.
func (m *plainServer) ZAPReply(reply ZAPReply) ([]Command, error) {
	if m.state != plainServerWaitZAP {
		return nil, m.fail(fmt.Errorf("%w: ZAP reply while none was asked for", ErrProtocol))
	}
	m.zap = nil
	cmds, err := zapVerdict(reply)
	if err != nil {
		return cmds, m.fail(err)
	}
	m.userID = reply.UserID
	m.zapMD = reply.Metadata
	m.state = plainServerWaitInitiate
	return []Command{{Name: CmdWelcome}}, nil
}

func (m *plainServer) Ready() bool            { return m.state == plainServerReady }
func (m *plainServer) PeerMetadata() Metadata { return m.peer }
func (m *plainServer) UserID() string         { return m.userID }
func (m *plainServer) Codec() Codec           { return nil }

func (m *plainServer) fail(err error) error {
	m.state = plainServerFailed
	m.zap = nil
	return err
}

// peerError turns the body of an ERROR the peer sent into our error. Like
// NULL, any ERROR counts as a refusal of our credentials: it is the only
// reason a libzmq peer sends one during a handshake.
func peerError(body []byte) error {
	reason, err := ParseErrorReason(body)
	if err != nil {
		return err
	}
	return fmt.Errorf("%w: peer sent ERROR %q", ErrAuth, reason)
}
