package zmtp

import (
	"encoding/binary"
	"fmt"
	"math"

	"golang.org/x/crypto/nacl/box"
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

// curveCodec seals and opens MESSAGE commands once the handshake is done.
// Seal and Open touch disjoint fields, so one goroutine may send while
// another receives; each alone is not safe for concurrent use.
type curveCodec struct {
	key        [32]byte // precomputed from our short-term secret and the peer's short-term public key
	sendPrefix string
	recvPrefix string

	sendNonce uint64 // next nonce to send; 0 once the counter is spent
	plain     []byte // Seal's scratch for flags+body

	recvNonce uint64 // last nonce received
}

// Overhead counts the frame header too, since Seal writes the whole frame.
func (c *curveCodec) Overhead() int {
	return MaxFrameHeader + len(curveMessageName) + curveMessageMin
}

func (c *curveCodec) Seal(dst []byte, flags byte, body []byte) ([]byte, error) {
	n := c.sendNonce
	if n == 0 {
		// Reusing a nonce would leak plaintext; 2^64 messages will not
		// happen, but the check is cheap.
		return dst, fmt.Errorf("%w: CURVE nonce counter exhausted", ErrProtocol)
	}
	if n == math.MaxUint64 {
		c.sendNonce = 0
	} else {
		c.sendNonce++
	}
	var inner byte
	if flags&FlagMore != 0 {
		inner |= curveMsgMore
	}
	if flags&FlagCommand != 0 {
		inner |= curveMsgCommand
	}
	c.plain = append(append(c.plain[:0], inner), body...)

	size := len(curveMessageName) + curveShortNonce + curveMACSize + len(c.plain)
	dst = AppendFrameHeader(dst, curveFrameFlags, size)
	dst = append(dst, curveMessageName...)
	dst = binary.BigEndian.AppendUint64(dst, n)
	dst = box.SealAfterPrecomputation(dst, c.plain, shortNonce(c.sendPrefix, n), &c.key)

	// A huge message should not pin its copy for the life of the connection.
	if cap(c.plain) > 64<<10 {
		c.plain = nil
	}
	return dst, nil
}

// Open returns a body in freshly allocated memory, so it may be kept.
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
	plain, ok := box.OpenAfterPrecomputation(nil, b[curveShortNonce:], shortNonce(c.recvPrefix, n), &c.key)
	if !ok {
		return 0, nil, curveBoxError("MESSAGE")
	}
	c.recvNonce = n
	var flags byte
	if plain[0]&curveMsgMore != 0 {
		flags |= FlagMore
	}
	if plain[0]&curveMsgCommand != 0 {
		flags |= FlagCommand
	}
	return flags, plain[1:], nil
}
