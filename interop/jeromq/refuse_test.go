package jeromq

import (
	"testing"

	"github.com/purezmq/zmq"
)

// TestRefused: a socket set to take ZMTP 3.x peers only, or with a security
// mechanism or ZAP domain (ZMTP 2.0 has no security handshake, and libzmq
// refuses old peers then too), turns JeroMQ 0.3 away, counting a protocol
// error, and nothing it sent gets through. Where the setting can be undone,
// the next connection after that carries what was held back: the refusal
// was the setting's doing.
func TestRefused(t *testing.T) {
	cases := []struct {
		name   string
		strict zmq.Option
		allow  zmq.Option // nil: there is no undoing it
	}{
		{"min-version-3", zmq.WithMinZMTPVersion(3), zmq.WithMinZMTPVersion(2)},
		{"zap-domain", zmq.WithZAPDomain("global"), zmq.WithZAPDomain("")},
		{"plain-server", zmq.WithPlainServer(), nil},
		{"curve-server", curveServer(t), nil},
	}
	for _, c := range cases {
		t.Run("ours-PULL-binds/"+c.name, func(t *testing.T) {
			push := startJava(t).socket("push", "PUSH")
			pull := newOurs(t, zmq.PULL, c.strict)
			join(t, pull, push, true)
			push.send("held", "back")
			eventually(t, "ours to refuse JeroMQ", func() bool { return pull.Stats().ProtocolErrors > 0 })
			if c.allow == nil {
				return
			}
			if err := pull.SetOptions(c.allow); err != nil {
				t.Fatal(err)
			}
			// JeroMQ redials after its 100ms reconnect interval.
			expect(t, "ours PULL", strs(oursRecv(t, pull)), "held", "back")
		})
		t.Run("ours-PUSH-connects/"+c.name, func(t *testing.T) {
			pull := startJava(t).socket("pull", "PULL")
			push := newOurs(t, zmq.PUSH, c.strict)
			join(t, push, pull, false)
			oursSend(t, push, "held", "back")
			eventually(t, "ours to refuse JeroMQ", func() bool { return push.Stats().ProtocolErrors > 0 })
			if got, ok := pull.tryRecv(0); ok {
				t.Fatalf("JeroMQ received %q through a refused connection", got)
			}
			if c.allow == nil {
				return
			}
			if err := push.SetOptions(c.allow); err != nil {
				t.Fatal(err)
			}
			expect(t, "JeroMQ PULL", pull.recv(), "held", "back")
		})
	}
}

func curveServer(t *testing.T) zmq.Option {
	_, secret, err := zmq.NewCurveKeyPair()
	if err != nil {
		t.Fatal(err)
	}
	return zmq.WithCurveServer(secret)
}
