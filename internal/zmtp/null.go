package zmtp

import "fmt"

// NewNull returns the NULL mechanism (RFC 37 "The NULL Security
// Mechanism"): each side sends READY with its metadata, nothing is checked
// but what a ZAP handler may decide from the peer's address.
//
// With cfg.ZAP the mechanism follows libzmq 4.3's null_mechanism_t: the ZAP
// request is asked for right after Start, without waiting for the peer's
// READY (its credentials are empty, so there is nothing to wait for), and
// our READY is held back until the handler accepts. Asking at once also
// means two sides that both use ZAP cannot deadlock, each waiting for the
// other's READY. On refusal the ERROR reason is the 3-digit status code, not
// the status text: libzmq peers read a "300".."500" reason as a ZAP verdict
// and report it as an authentication failure; a text would only be logged
// as garbage. A "300" (temporary failure) sends no ERROR at all, as libzmq.
func NewNull(cfg Config) Mechanism {
	return &nullMechanism{cfg: cfg}
}

type nullMechanism struct {
	cfg Config

	started       bool
	readySent     bool
	readyReceived bool
	zapPending    bool
	failed        bool

	peer    Metadata // as the peer sent it
	zapMeta Metadata // as the ZAP handler gave it
	userID  string
}

func (m *nullMechanism) Name() string { return "NULL" }

func (m *nullMechanism) Start() ([]Command, error) {
	if m.started {
		return nil, fmt.Errorf("%w: NULL mechanism started twice", ErrProtocol)
	}
	m.started = true
	if m.cfg.ZAP {
		m.zapPending = true
		return nil, nil
	}
	m.readySent = true
	return []Command{ReadyCommand(m.cfg.Local)}, nil
}

func (m *nullMechanism) Handle(cmd Command) ([]Command, error) {
	if m.failed || m.readyReceived {
		return nil, m.fail(fmt.Errorf("%w: unexpected %q command in NULL handshake", ErrProtocol, cmd.Name))
	}
	switch cmd.Name {
	case CmdReady:
		peer, err := ParseMetadata(cmd.Body)
		if err != nil {
			return nil, m.fail(fmt.Errorf("READY: %w", err))
		}
		m.peer = peer
		m.readyReceived = true
		return nil, nil
	case CmdError:
		reason, err := ParseErrorReason(cmd.Body)
		if err != nil {
			return nil, m.fail(err)
		}
		return nil, m.fail(fmt.Errorf("%w: peer sent ERROR %q", ErrAuth, reason))
	}
	return nil, m.fail(fmt.Errorf("%w: unexpected %q command in NULL handshake", ErrProtocol, cmd.Name))
}

func (m *nullMechanism) ZAPRequest() *ZAPRequest {
	if !m.zapPending || m.failed {
		return nil
	}
	return &ZAPRequest{
		Domain:    m.cfg.Domain,
		Address:   m.cfg.PeerAddress,
		RoutingID: m.cfg.RoutingID,
		Mechanism: "NULL",
	}
}

// ZAPReply returns the ERROR to send together with the error on refusal:
// the engine is to send the commands before it closes.
func (m *nullMechanism) ZAPReply(reply ZAPReply) ([]Command, error) {
	if !m.zapPending || m.failed {
		return nil, m.fail(fmt.Errorf("%w: ZAP reply while none was asked for", ErrProtocol))
	}
	m.zapPending = false
	cmds, err := zapVerdict(reply)
	if err != nil {
		return cmds, m.fail(err)
	}
	m.userID = reply.UserID
	m.zapMeta = reply.Metadata
	m.readySent = true
	return []Command{ReadyCommand(m.cfg.Local)}, nil
}

func (m *nullMechanism) Ready() bool {
	return m.readySent && m.readyReceived && !m.zapPending && !m.failed
}

// PeerMetadata merges on each call because the peer's READY and the ZAP
// verdict may come in either order.
func (m *nullMechanism) PeerMetadata() Metadata { return mergeMetadata(m.peer, m.zapMeta) }

func (m *nullMechanism) UserID() string { return m.userID }
func (m *nullMechanism) Codec() Codec   { return nil }

func (m *nullMechanism) fail(err error) error {
	m.failed = true
	return err
}

// zapVerdict turns a refusing ZAP reply into the ERROR command libzmq would
// send and an error wrapping ErrAuth; it returns nothing for "200".
func zapVerdict(reply ZAPReply) ([]Command, error) {
	code := reply.StatusCode
	if code == "200" {
		return nil, nil
	}
	err := fmt.Errorf("%w: ZAP handler said %s %q", ErrAuth, code, reply.StatusText)
	switch code {
	case "300":
		return nil, err
	case "400", "500":
		return []Command{ErrorCommand(code)}, err
	}
	// A code outside RFC 27 is the handler's fault, not the peer's.
	return []Command{ErrorCommand("500")}, err
}

// mergeMetadata appends the ZAP handler's properties to the peer's. A peer
// property with the same name as one of the handler's is dropped: the
// handler's word wins, as in libzmq, so a peer cannot pose as, say, a
// User-Id the handler attached.
func mergeMetadata(peer, zap Metadata) Metadata {
	if len(zap) == 0 {
		return peer
	}
	out := make(Metadata, 0, len(peer)+len(zap))
	for _, p := range peer {
		if _, clash := zap.Get(p.Name); !clash {
			out = append(out, p)
		}
	}
	return append(out, zap...)
}
