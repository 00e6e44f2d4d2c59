package zmtp

import (
	"encoding/binary"
	"fmt"
	"time"
)

// Command names of ZMTP 3.1 and its security mechanisms.
const (
	CmdReady     = "READY"
	CmdError     = "ERROR"
	CmdHello     = "HELLO"
	CmdWelcome   = "WELCOME"
	CmdInitiate  = "INITIATE"
	CmdMessage   = "MESSAGE"
	CmdSubscribe = "SUBSCRIBE"
	CmdCancel    = "CANCEL"
	CmdPing      = "PING"
	CmdPong      = "PONG"
	// CmdJoin and CmdLeave are a DISH's joining and leaving of a group,
	// sent to a RADIO. No RFC defines them: libzmq 4.3 sends the group as
	// the whole body, with no length before it.
	CmdJoin  = "JOIN"
	CmdLeave = "LEAVE"
)

// MaxGroupLength is the longest RADIO/DISH group, in bytes: libzmq 4.3's
// ZMQ_GROUP_MAX_LENGTH.
const MaxGroupLength = 255

// MaxPingContext is the longest PING context RFC 37 allows.
const MaxPingContext = 16

// AppendCommand appends a whole command frame: header, name and body.
// Names come from the program, so one that is empty or over 255 bytes is a
// bug and panics.
func AppendCommand(dst []byte, name string, body []byte) []byte {
	if len(name) == 0 || len(name) > 255 {
		panic(fmt.Sprintf("zmtp: command name %q: length must be 1..255", name))
	}
	dst = AppendFrameHeader(dst, FlagCommand, 1+len(name)+len(body))
	dst = append(dst, byte(len(name)))
	dst = append(dst, name...)
	return append(dst, body...)
}

// Append appends c as a command frame.
func (c Command) Append(dst []byte) []byte {
	return AppendCommand(dst, c.Name, c.Body)
}

// ParseCommand splits the body of a command frame into name and body. Body
// aliases frameBody. Name characters are not checked: libzmq does not check
// them either, and an odd name is rejected anyway as an unknown command.
func ParseCommand(frameBody []byte) (Command, error) {
	if len(frameBody) == 0 {
		return Command{}, fmt.Errorf("%w: empty command frame", ErrProtocol)
	}
	nameLen := int(frameBody[0])
	if nameLen == 0 {
		return Command{}, fmt.Errorf("%w: empty command name", ErrProtocol)
	}
	if len(frameBody) < 1+nameLen {
		return Command{}, fmt.Errorf("%w: command name truncated", ErrProtocol)
	}
	return Command{
		Name: string(frameBody[1 : 1+nameLen]),
		Body: frameBody[1+nameLen:],
	}, nil
}

// ReadyCommand builds READY carrying m.
func ReadyCommand(m Metadata) Command {
	return Command{Name: CmdReady, Body: AppendMetadata(nil, m)}
}

// ErrorCommand builds ERROR; the reason is cut to the 255 bytes its 1-byte
// length can express.
func ErrorCommand(reason string) Command {
	if len(reason) > 255 {
		reason = reason[:255]
	}
	body := make([]byte, 0, 1+len(reason))
	body = append(body, byte(len(reason)))
	return Command{Name: CmdError, Body: append(body, reason...)}
}

// ParseErrorReason decodes an ERROR body. Bytes after the reason are
// ignored, as libzmq ignores them.
func ParseErrorReason(body []byte) (string, error) {
	if len(body) == 0 {
		return "", fmt.Errorf("%w: ERROR without reason length", ErrProtocol)
	}
	n := int(body[0])
	if len(body) < 1+n {
		return "", fmt.Errorf("%w: ERROR reason truncated", ErrProtocol)
	}
	return string(body[1 : 1+n]), nil
}

// PingCommand builds PING. The TTL goes on the wire in deciseconds, so it is
// cut to whole tenths and held to the 0..6553.5 s a 16-bit field can carry;
// a context longer than 16 bytes is cut to 16.
func PingCommand(ttl time.Duration, context []byte) Command {
	ds := ttl / (100 * time.Millisecond)
	switch {
	case ds < 0:
		ds = 0
	case ds > 0xFFFF:
		ds = 0xFFFF
	}
	if len(context) > MaxPingContext {
		context = context[:MaxPingContext]
	}
	body := make([]byte, 2, 2+len(context))
	binary.BigEndian.PutUint16(body, uint16(ds))
	return Command{Name: CmdPing, Body: append(body, context...)}
}

// ParsePing decodes a PING body. The context aliases body. A context longer
// than 16 bytes is cut to 16 rather than refused: libzmq does the same, and
// answering with the first 16 bytes is harmless.
func ParsePing(body []byte) (ttl time.Duration, context []byte, err error) {
	if len(body) < 2 {
		return 0, nil, fmt.Errorf("%w: PING shorter than its 2-byte TTL", ErrProtocol)
	}
	ttl = time.Duration(binary.BigEndian.Uint16(body)) * 100 * time.Millisecond
	context = body[2:]
	if len(context) > MaxPingContext {
		context = context[:MaxPingContext]
	}
	return ttl, context, nil
}

// PongCommand builds PONG echoing the PING's context (cut to 16 bytes).
// The body is a copy so the caller may reuse context's buffer.
func PongCommand(context []byte) Command {
	if len(context) > MaxPingContext {
		context = context[:MaxPingContext]
	}
	return Command{Name: CmdPong, Body: append([]byte(nil), context...)}
}

// ParseGroup checks the body of a JOIN or LEAVE command and returns the
// group it names, aliasing body. A group longer than MaxGroupLength is
// refused: libzmq would abort on one.
func ParseGroup(body []byte) ([]byte, error) {
	if len(body) > MaxGroupLength {
		return nil, fmt.Errorf("%w: group of %d bytes, longer than %d", ErrProtocol, len(body), MaxGroupLength)
	}
	return body, nil
}
