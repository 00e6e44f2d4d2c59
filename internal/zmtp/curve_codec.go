//lint:file-ignore SA1019 CurveZMQ's MESSAGE box is NaCl's XSalsa20-Poly1305, built here from its parts (as nacl/box does internally) so a body is sealed and opened in place; the packages are deprecated only for new designs.

package zmtp

import (
	"encoding/binary"
	"fmt"
	"math"
	"slices"

	"github.com/purezmq/zmq/internal/bufpool"
	"golang.org/x/crypto/poly1305"
	"golang.org/x/crypto/salsa20/salsa"
)

// curveMessageName is MESSAGE as it starts a command frame's body.
const curveMessageName = "\x07" + CmdMessage

// curveFrameFlags are the flags of the frame that carries a MESSAGE: none.
// RFC 25 calls MESSAGE a command, but libzmq 4.3 sends it in a frame with
// neither COMMAND nor MORE set, and on receipt ORs the frame's flags into
// the flags it finds in the box: a MESSAGE framed as a command would turn
// every message it carries into a command, and libzmq drops it. The flags
// that matter travel inside the box.
const curveFrameFlags = 0

// curveMessageHead is what precedes the body of a MESSAGE frame: name,
// short nonce, MAC and the flags byte in the box.
const curveMessageHead = len(curveMessageName) + curveMessageMin

// curveOwnBuffer is the frame size from which Open decrypts into a buffer of
// its own from bufpool (which Msg.Release hands back) instead of in place:
// the engine reads frames this big into bufpool buffers of their own
// (input.go's ownBufferThreshold), which Open recycles once decrypted. A
// body decrypted in place would sit 33 bytes into its buffer, where Release
// cannot recognise it, and every large frame would cost fresh memory.
const curveOwnBuffer = 16 << 10

// curveCodec seals and opens MESSAGE commands once the handshake is done.
// Seal and Open touch disjoint fields, so one goroutine may send while
// another receives; each alone is not safe for concurrent use.
//
// A MESSAGE box is crypto_box_afternm (XSalsa20-Poly1305, as
// nacl/box.SealAfterPrecomputation) of flags+body, done here by hand so
// that the body goes from the caller's buffer to the wire buffer in one
// pass (the flags byte that precedes it in the plaintext is encrypted
// apart), and a received body is decrypted where it lies. The XSalsa20
// subkey depends only on the precomputed key and the 16-byte nonce prefix,
// which is fixed per direction, so it is derived once.
type curveCodec struct {
	key        [32]byte // precomputed from our short-term secret and the peer's short-term public key
	sendPrefix string
	recvPrefix string

	sendNonce uint64   // next nonce to send; 0 once the counter is spent
	sendKey   [32]byte // HSalsa20(key, sendPrefix), once sendReady
	sendReady bool

	recvNonce uint64 // last nonce received
	recvKey   [32]byte
	recvReady bool
}

// messageSubKey is the XSalsa20 subkey for MESSAGE boxes with this prefix:
// what secretbox derives from the first 16 bytes of every 24-byte nonce.
func messageSubKey(sub, key *[32]byte, prefix string) {
	var p [16]byte
	copy(p[:], prefix)
	salsa.HSalsa20(sub, &p, key, &salsa.Sigma)
}

// messageKeys returns the Poly1305 key of the box with short nonce n and
// the 32 bytes of keystream after it, which encrypt the first 32 bytes of
// the plaintext, as secretbox does.
func messageKeys(sub *[32]byte, n uint64) (poly [32]byte, stream [32]byte) {
	var counter [16]byte
	binary.BigEndian.PutUint64(counter[:8], n)
	var block [64]byte
	salsa.XORKeyStream(block[:], block[:], &counter, sub)
	copy(poly[:], block[:32])
	copy(stream[:], block[32:])
	return poly, stream
}

// xorBody en- or decrypts body (plaintext bytes 1.. of the box with short
// nonce n) from src into dst, which may be src itself. stream is the
// keystream of plaintext bytes 0..31.
func xorBody(dst, src []byte, sub *[32]byte, n uint64, stream *[32]byte) {
	dst = dst[:len(src)]
	k := min(len(src), 31)
	for i := range k {
		dst[i] = src[i] ^ stream[1+i]
	}
	if len(src) > k {
		var counter [16]byte
		binary.BigEndian.PutUint64(counter[:8], n)
		counter[8] = 1 // the block after the one that gave the keys
		salsa.XORKeyStream(dst[k:], src[k:], &counter, sub)
	}
}

// Overhead counts the frame header too, since Seal writes the whole frame.
func (c *curveCodec) Overhead() int {
	return MaxFrameHeader + curveMessageHead
}

// Seal writes the MESSAGE frame straight into dst: the body is read once,
// as it is encrypted, and body may be reused as soon as Seal returns.
func (c *curveCodec) Seal(dst []byte, flags byte, body []byte) ([]byte, error) {
	if c.sendNonce == 0 {
		return dst, errNonceSpent
	}
	dst = AppendFrameHeader(dst, curveFrameFlags, c.SealedSize(len(body)))
	return c.SealBody(dst, flags, body)
}

// SealedSize is the size of the MESSAGE command that carries n bytes.
func (c *curveCodec) SealedSize(n int) int { return curveMessageHead + n }

// errNonceSpent: reusing a nonce would leak plaintext; 2^64 messages will
// not happen, but the check is cheap.
var errNonceSpent = fmt.Errorf("%w: CURVE nonce counter exhausted", ErrProtocol)

// SealBody is Seal without the frame header.
func (c *curveCodec) SealBody(dst []byte, flags byte, body []byte) ([]byte, error) {
	n := c.sendNonce
	if n == 0 {
		return dst, errNonceSpent
	}
	if n == math.MaxUint64 {
		c.sendNonce = 0
	} else {
		c.sendNonce++
	}
	if !c.sendReady {
		messageSubKey(&c.sendKey, &c.key, c.sendPrefix)
		c.sendReady = true
	}
	var inner byte
	if flags&FlagMore != 0 {
		inner |= curveMsgMore
	}
	if flags&FlagCommand != 0 {
		inner |= curveMsgCommand
	}

	dst = append(dst, curveMessageName...)
	dst = binary.BigEndian.AppendUint64(dst, n)
	at := len(dst)
	boxLen := curveMACSize + 1 + len(body)
	dst = slices.Grow(dst, boxLen)[:at+boxLen]
	tag, ciphertext := dst[at:at+curveMACSize], dst[at+curveMACSize:]

	polyKey, stream := messageKeys(&c.sendKey, n)
	ciphertext[0] = inner ^ stream[0]
	xorBody(ciphertext[1:], body, &c.sendKey, n, &stream)
	var mac [poly1305.TagSize]byte
	poly1305.Sum(&mac, ciphertext, &polyKey)
	copy(tag, mac[:])
	return dst, nil
}

// Open consumes frameBody: a small frame is decrypted in place and the body
// returned aliases frameBody; a large one is decrypted into a buffer from
// bufpool, and frameBody goes back to bufpool (if it came from there). On
// error frameBody is left as it was.
func (c *curveCodec) Open(frameBody []byte) (byte, []byte, error) {
	if len(frameBody) < len(curveMessageName) || string(frameBody[:len(curveMessageName)]) != curveMessageName {
		return 0, nil, fmt.Errorf("%w: CURVE traffic frame is not a MESSAGE", ErrProtocol)
	}
	b := frameBody[len(curveMessageName):]
	if len(b) < curveMessageMin {
		return 0, nil, curveSizeError("MESSAGE", len(b))
	}
	n := binary.BigEndian.Uint64(b)
	// A replayed or reordered MESSAGE would otherwise open fine.
	if n <= c.recvNonce {
		return 0, nil, fmt.Errorf("%w: CURVE MESSAGE nonce not increasing", ErrProtocol)
	}
	if !c.recvReady {
		messageSubKey(&c.recvKey, &c.key, c.recvPrefix)
		c.recvReady = true
	}
	var mac [poly1305.TagSize]byte
	copy(mac[:], b[curveShortNonce:])
	ciphertext := b[curveShortNonce+curveMACSize:]
	polyKey, stream := messageKeys(&c.recvKey, n)
	if !poly1305.Verify(&mac, ciphertext, &polyKey) {
		return 0, nil, curveBoxError("MESSAGE")
	}
	c.recvNonce = n

	inner := ciphertext[0] ^ stream[0]
	src := ciphertext[1:len(ciphertext):len(ciphertext)]
	body := src
	own := len(frameBody) >= curveOwnBuffer
	if own {
		body = bufpool.Get(len(src))
	}
	xorBody(body, src, &c.recvKey, n, &stream)
	if own {
		bufpool.Put(frameBody)
	}

	var flags byte
	if inner&curveMsgMore != 0 {
		flags |= FlagMore
	}
	if inner&curveMsgCommand != 0 {
		flags |= FlagCommand
	}
	return flags, body, nil
}
