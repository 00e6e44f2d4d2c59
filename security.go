package zmq

import (
	"fmt"

	"github.com/purezmq/zmq/internal/engine"
	"github.com/purezmq/zmq/internal/z85"
	"github.com/purezmq/zmq/internal/zmtp"
)

// security is the mechanism a socket's connections use, and its keys.
type security struct {
	mechanism      string // "NULL", "PLAIN", "CURVE"
	server         bool
	user, password string
	serverPublic   [32]byte
	public, secret [32]byte
}

// WithPlainServer makes the socket the server of the PLAIN mechanism
// (ZMQ_PLAIN_SERVER): peers must send a user name and password, which a ZAP
// handler checks.
func WithPlainServer() Option {
	return declare("WithPlainServer", "ZMQ_PLAIN_SERVER", anyType, func(o *options) error {
		o.security = security{mechanism: "PLAIN", server: true}
		return nil
	})
}

// WithPlainClient makes the socket a PLAIN client that logs in with user and
// password (ZMQ_PLAIN_USERNAME, ZMQ_PLAIN_PASSWORD). PLAIN sends them in
// clear text: use it only on networks you trust.
func WithPlainClient(user, password string) Option {
	return declare("WithPlainClient", "ZMQ_PLAIN_USERNAME, ZMQ_PLAIN_PASSWORD", anyType, func(o *options) error {
		if len(user) > 255 || len(password) > 255 {
			return fmt.Errorf("%w: PLAIN user name and password are at most 255 bytes", ErrInvalid)
		}
		o.security = security{mechanism: "PLAIN", user: user, password: password}
		return nil
	})
}

// WithCurveServer makes the socket a CURVE server with the given secret key,
// as 40 characters of Z85 (ZMQ_CURVE_SERVER, ZMQ_CURVE_SECRETKEY).
func WithCurveServer(secretKey string) Option {
	return declare("WithCurveServer", "ZMQ_CURVE_SERVER, ZMQ_CURVE_SECRETKEY", anyType, func(o *options) error {
		secret, err := decodeKey("secret", secretKey)
		if err != nil {
			return err
		}
		public, err := zmtp.CurvePublic(secret)
		if err != nil {
			return err
		}
		o.security = security{mechanism: "CURVE", server: true, public: public, secret: secret}
		return nil
	})
}

// WithCurveClient makes the socket a CURVE client that trusts the server
// with serverPublicKey and proves itself with its own key pair, each as 40
// characters of Z85 (ZMQ_CURVE_SERVERKEY, ZMQ_CURVE_PUBLICKEY,
// ZMQ_CURVE_SECRETKEY).
func WithCurveClient(serverPublicKey, publicKey, secretKey string) Option {
	return declare("WithCurveClient", "ZMQ_CURVE_SERVERKEY, ZMQ_CURVE_PUBLICKEY, ZMQ_CURVE_SECRETKEY", anyType, func(o *options) error {
		sec := security{mechanism: "CURVE"}
		var err error
		if sec.serverPublic, err = decodeKey("server public", serverPublicKey); err != nil {
			return err
		}
		if sec.public, err = decodeKey("public", publicKey); err != nil {
			return err
		}
		if sec.secret, err = decodeKey("secret", secretKey); err != nil {
			return err
		}
		o.security = sec
		return nil
	})
}

func decodeKey(what, text string) ([32]byte, error) {
	var key [32]byte
	raw, err := z85.Decode(text)
	if err != nil || len(raw) != 32 {
		return key, fmt.Errorf("%w: %s key must be 40 characters of Z85", ErrInvalid, what)
	}
	copy(key[:], raw)
	return key, nil
}

// NewCurveKeyPair returns a new CURVE key pair as Z85 text, as
// zmq_curve_keypair does.
func NewCurveKeyPair() (publicKey, secretKey string, err error) {
	public, secret, err := zmtp.NewCurveKeyPair()
	if err != nil {
		return "", "", err
	}
	pub, _ := z85.Encode(public[:])
	sec, _ := z85.Encode(secret[:])
	return pub, sec, nil
}

// CurvePublicKey derives the public key of a Z85 secret key, as
// zmq_curve_public does.
func CurvePublicKey(secretKey string) (string, error) {
	secret, err := decodeKey("secret", secretKey)
	if err != nil {
		return "", err
	}
	public, err := zmtp.CurvePublic(secret)
	if err != nil {
		return "", err
	}
	return z85.Encode(public[:])
}

// Z85Encode encodes data, whose length must be a multiple of 4, as Z85
// text (RFC 32).
func Z85Encode(data []byte) (string, error) { return z85.Encode(data) }

// Z85Decode decodes Z85 text, whose length must be a multiple of 5.
func Z85Decode(text string) ([]byte, error) { return z85.Decode(text) }

// newMechanism returns the factory of the socket's security mechanism.
func (sec security) newMechanism() func(zmtp.Config) zmtp.Mechanism {
	switch {
	case sec.mechanism == "PLAIN" && sec.server:
		return zmtp.NewPlainServer
	case sec.mechanism == "PLAIN":
		return func(c zmtp.Config) zmtp.Mechanism { return zmtp.NewPlainClient(c, sec.user, sec.password) }
	case sec.mechanism == "CURVE" && sec.server:
		return func(c zmtp.Config) zmtp.Mechanism { return zmtp.NewCurveServer(c, sec.secret) }
	case sec.mechanism == "CURVE":
		return func(c zmtp.Config) zmtp.Mechanism {
			return zmtp.NewCurveClient(c, sec.serverPublic, sec.public, sec.secret)
		}
	}
	return zmtp.NewNull
}

// engineConfig is what a new connection of the socket is made with.
func (s *Socket) engineConfig() *engine.Config {
	o := s.options()
	return &engine.Config{
		SocketType:        s.typ.String(),
		RoutingID:         o.routingID,
		NewMechanism:      o.security.newMechanism(),
		AsServer:          o.security.server,
		ZAP:               s.ctx.zapHandler(s, o),
		ZAPDomain:         o.zapDomain,
		HandshakeTimeout:  o.handshakeTimeout,
		OldestZMTP:        o.minZMTP,
		MaxMsgSize:        o.maxMsgSize,
		HeartbeatInterval: o.heartbeatIvl,
		HeartbeatTimeout:  o.heartbeatTimeout,
		HeartbeatTTL:      o.heartbeatTTL,
		Parts:             s.typ.wireParts(),
		Metadata:          o.metadata,
		Hello:             helloFrames(o.helloMsg),
		Log:               o.log,
		Stats:             &s.stats,
		Closing:           s.closer,
	}
}

// helloFrames is the hello message as the engine sends it, nil for none.
func helloFrames(msg []byte) [][]byte {
	if msg == nil {
		return nil
	}
	return [][]byte{msg}
}
