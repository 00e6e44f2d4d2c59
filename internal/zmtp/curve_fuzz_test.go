package zmtp

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"

	"golang.org/x/crypto/nacl/box"
)

// The fuzzers replay recorded handshakes, which only open if both sides
// draw the same keys and nonces as when they were recorded: fixed
// long-term keys and seeded randomness make that so.
var (
	fuzzServerSeed = [32]byte{1}
	fuzzClientSeed = [32]byte{2}
)

func fuzzCurveKeys() curveTestKeys {
	var k curveTestKeys
	for i := range k.serverSecret {
		k.serverSecret[i] = byte(i + 1)
		k.clientSecret[i] = byte(i + 101)
	}
	k.serverPublic, _ = CurvePublic(k.serverSecret)
	k.clientPublic, _ = CurvePublic(k.clientSecret)
	return k
}

func fuzzCurveServer(k curveTestKeys, zap bool) *curveServer {
	m := NewCurveServer(Config{Local: curveServerMeta, ZAP: zap}, k.serverSecret).(*curveServer)
	m.rand = rand.NewChaCha8(fuzzServerSeed)
	return m
}

func fuzzCurveClient(k curveTestKeys) *curveClient {
	m := NewCurveClient(Config{Local: curveClientMeta}, k.serverPublic, k.clientPublic, k.clientSecret).(*curveClient)
	m.rand = rand.NewChaCha8(fuzzClientSeed)
	return m
}

// curveTranscript records what each side of a deterministic handshake puts
// on the wire, three traffic frames included.
func curveTranscript(zap bool) (fromClient, fromServer []byte, err error) {
	k := fuzzCurveKeys()
	server, client := fuzzCurveServer(k, zap), fuzzCurveClient(k)
	step := func(cmds []Command, err error) Command {
		if err == nil && len(cmds) != 1 {
			err = fmt.Errorf("%d commands", len(cmds))
		}
		if err != nil {
			panic(err)
		}
		return cmds[0]
	}
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("recording handshake: %v", r)
		}
	}()
	server.Start()
	hello := step(client.Start())
	welcome := step(server.Handle(hello))
	initiate := step(client.Handle(welcome))
	var ready Command
	if zap {
		server.Handle(initiate)
		ready = step(server.ZAPReply(ZAPReply{StatusCode: "200"}))
	} else {
		ready = step(server.Handle(initiate))
	}
	if _, err := client.Handle(ready); err != nil {
		return nil, nil, err
	}
	fromClient = wire(hello, initiate)
	fromServer = wire(welcome, ready)
	for _, tc := range []struct {
		codec Codec
		out   *[]byte
	}{{client.Codec(), &fromClient}, {server.Codec(), &fromServer}} {
		for _, fl := range []byte{FlagMore, 0, FlagCommand} {
			if *tc.out, err = tc.codec.Seal(*tc.out, fl, []byte("traffic")); err != nil {
				return nil, nil, err
			}
		}
	}
	return fromClient, fromServer, nil
}

// openTraffic opens the frames left in stream after a handshake.
func openTraffic(t *testing.T, codec Codec, stream []byte) {
	for {
		_, size, n, err := ParseFrameHeader(stream)
		if err != nil || n == 0 || size > uint64(len(stream)-n) {
			return
		}
		body := stream[n : n+int(size)]
		stream = stream[n+int(size):]
		flags, msg, err := codec.Open(body)
		if err != nil {
			return
		}
		if flags&^(FlagMore|FlagCommand) != 0 || len(msg) != len(body)-len(curveMessageName)-curveMessageMin {
			t.Fatalf("Open = flags %x, %d bytes from %d", flags, len(msg), len(body))
		}
	}
}

func TestCurveTranscriptReplays(t *testing.T) {
	for _, zap := range []bool{false, true} {
		fromClient, fromServer, err := curveTranscript(zap)
		if err != nil {
			t.Fatal(err)
		}
		k := fuzzCurveKeys()
		s := fuzzCurveServer(k, zap)
		rest := runMechanismFuzz(t, s, fromClient, 0)
		if !s.Ready() || len(rest) == 0 {
			t.Fatalf("server replay (zap %v) not ready", zap)
		}
		c := fuzzCurveClient(k)
		rest = runMechanismFuzz(t, c, fromServer, 0)
		if !c.Ready() || len(rest) == 0 {
			t.Fatalf("client replay not ready")
		}
		_, size, n, _ := ParseFrameHeader(rest)
		if _, body, err := c.Codec().Open(rest[n : n+int(size)]); err != nil || !bytes.Equal(body, []byte("traffic")) {
			t.Fatalf("replayed traffic: %q %v", body, err)
		}
	}
}

func FuzzCurveServer(f *testing.F) {
	for _, zap := range []bool{false, true} {
		fromClient, _, err := curveTranscript(zap)
		if err != nil {
			f.Fatal(err)
		}
		verdict := byte(200)
		if zap {
			verdict = 0
		}
		f.Add(fromClient, verdict)
		f.Add(fromClient, verdict+1)
	}
	f.Add([]byte{}, byte(0))
	f.Add(wire(Command{Name: CmdHello, Body: make([]byte, curveHelloSize)}), byte(0))
	k := fuzzCurveKeys()
	f.Fuzz(func(t *testing.T, stream []byte, verdict byte) {
		zap := verdict < 128
		m := fuzzCurveServer(k, zap)
		rest := runMechanismFuzz(t, m, stream, verdict)
		if m.Ready() {
			if zap && zapCodes[int(verdict)%len(zapCodes)] != "200" {
				t.Fatal("ready although ZAP refused")
			}
			openTraffic(t, m.Codec(), rest)
		}
	})
}

func FuzzCurveClient(f *testing.F) {
	_, fromServer, err := curveTranscript(false)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(fromServer)
	f.Add(wire(ErrorCommand("400")))
	f.Add(wire(Command{Name: CmdWelcome, Body: make([]byte, curveWelcomeSize)}))
	k := fuzzCurveKeys()
	f.Fuzz(func(t *testing.T, stream []byte) {
		m := fuzzCurveClient(k)
		rest := runMechanismFuzz(t, m, stream, 0)
		if m.Ready() {
			openTraffic(t, m.Codec(), rest)
		}
	})
}

func FuzzCurveOpen(f *testing.F) {
	key := [32]byte{7}
	sender := &curveCodec{key: key, sendPrefix: curveClientMsgPfx, sendNonce: 2}
	for _, tc := range []struct {
		flags byte
		body  string
	}{{0, ""}, {FlagMore, "hello"}, {FlagCommand, "\x04PING\x00\x01"}, {FlagMore | FlagCommand, "x"}} {
		frame, err := sender.Seal(nil, tc.flags, []byte(tc.body))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(frame[2:])
	}
	f.Add([]byte(curveMessageName))
	f.Fuzz(func(t *testing.T, body []byte) {
		c := &curveCodec{key: key, recvPrefix: curveClientMsgPfx, recvNonce: 1}
		flags, msg, err := c.Open(body)
		if err != nil {
			return
		}
		if flags&^(FlagMore|FlagCommand) != 0 || len(msg) != len(body)-len(curveMessageName)-curveMessageMin {
			t.Fatalf("Open = flags %x, %d bytes from %d", flags, len(msg), len(body))
		}
		// The same frame twice is a replay.
		if _, _, err := c.Open(body); err == nil {
			t.Fatal("replay accepted")
		}
	})
}

// curveUpToInitiate runs a deterministic handshake to the point where the
// client has built INITIATE, for fuzzers that write their own boxes.
func curveUpToInitiate(t testing.TB, zap bool) (client *curveClient, server *curveServer, initiate Command) {
	k := fuzzCurveKeys()
	client, server = fuzzCurveClient(k), fuzzCurveServer(k, zap)
	server.Start()
	hello, err := client.Start()
	if err != nil {
		t.Fatal(err)
	}
	welcome, err := server.Handle(hello[0])
	if err != nil {
		t.Fatal(err)
	}
	cmds, err := client.Handle(welcome[0])
	if err != nil {
		t.Fatal(err)
	}
	return client, server, cmds[0]
}

// FuzzCurveInitiatePlaintext seals what the fuzzer writes as the inside of
// INITIATE's box (client key, vouch, metadata), so the checks behind the
// cryptography get exercised too.
func FuzzCurveInitiatePlaintext(f *testing.F) {
	client, _, initiate := curveUpToInitiate(f, false)
	head := curveCookieSize + curveShortNonce
	inner, ok := box.OpenAfterPrecomputation(nil, initiate.Body[head:], shortNonce(curveInitiatePrefix, curveInitiateNonce), &client.codec.key)
	if !ok {
		f.Fatal("cannot open our own INITIATE")
	}
	f.Add(inner, byte(200))
	f.Add(inner, byte(0))
	f.Add(inner[:curveKeySize+curveVouchSize], byte(200))
	f.Add(inner[:40], byte(200))
	f.Fuzz(func(t *testing.T, inner []byte, verdict byte) {
		zap := verdict < 128
		client, server, initiate := curveUpToInitiate(t, zap)
		body := append([]byte(nil), initiate.Body[:head]...)
		body = box.SealAfterPrecomputation(body, inner, shortNonce(curveInitiatePrefix, curveInitiateNonce), &client.codec.key)
		_, err := server.Handle(Command{Name: CmdInitiate, Body: body})
		if err != nil {
			if !errors.Is(err, ErrProtocol) {
				t.Fatalf("error %v is not a protocol error", err)
			}
			return
		}
		if zap {
			if req := server.ZAPRequest(); req == nil || len(req.Credentials) != 1 || !bytes.Equal(req.Credentials[0], inner[:curveKeySize]) {
				t.Fatalf("ZAP request %+v", req)
			}
			server.ZAPReply(ZAPReply{StatusCode: zapCodes[int(verdict)%len(zapCodes)]})
		}
		if server.Ready() && len(inner) < curveKeySize+curveVouchSize {
			t.Fatalf("ready with a %d-byte INITIATE box", len(inner))
		}
	})
}

// FuzzCurveReadyPlaintext does the same for the metadata inside READY.
func FuzzCurveReadyPlaintext(f *testing.F) {
	f.Add(AppendMetadata(nil, curveServerMeta))
	f.Add([]byte{})
	f.Add([]byte("\x05Ident\xff\xff\xff\xff"))
	f.Fuzz(func(t *testing.T, meta []byte) {
		client, server, initiate := curveUpToInitiate(t, false)
		if _, err := server.Handle(initiate); err != nil {
			t.Fatal(err)
		}
		body := binary.BigEndian.AppendUint64(nil, curveReadyNonce)
		body = box.SealAfterPrecomputation(body, meta, shortNonce(curveReadyPrefix, curveReadyNonce), &client.codec.key)
		if _, err := client.Handle(Command{Name: CmdReady, Body: body}); err != nil {
			if !errors.Is(err, ErrProtocol) || client.Ready() {
				t.Fatalf("err = %v, ready %v", err, client.Ready())
			}
			return
		}
		if got := AppendMetadata(nil, client.PeerMetadata()); !bytes.Equal(got, meta) {
			t.Fatalf("metadata % x re-encodes as % x", meta, got)
		}
	})
}
