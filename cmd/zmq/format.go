package main

import (
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/purezmq/zmq"
)

// msgFormat is how messages are written as lines of text, one message a
// line, for the commands that read or print them.
type msgFormat struct {
	kind  string // text, hex or json
	delim string // between frames; "" is the kind's default
}

// addFormatFlags declares --format and --delimiter on fs.
func addFormatFlags(fs *flag.FlagSet) *msgFormat {
	f := &msgFormat{}
	fs.StringVar(&f.kind, "format", "text", "how messages are written, one a line: `text`, hex or json")
	fs.StringVar(&f.delim, "delimiter", "", "`D` splits a line into frames, and joins printed frames (default: no splitting; printed text frames joined with |, hex with a space)")
	return f
}

func (f *msgFormat) check() error {
	switch f.kind {
	case "text", "hex", "json":
		return nil
	}
	return usagef("unknown --format %q (want text, hex or json)", f.kind)
}

// encode writes a message as one line, without the newline.
func (f *msgFormat) encode(m zmq.Msg) string {
	switch f.kind {
	case "hex":
		return f.join(m.Frames, hex.EncodeToString, " ")
	case "json":
		return encodeJSON(m.Frames)
	}
	return f.join(m.Frames, func(b []byte) string { return string(b) }, "|")
}

func (f *msgFormat) join(frames [][]byte, enc func([]byte) string, defaultDelim string) string {
	delim := f.delim
	if delim == "" {
		delim = defaultDelim
	}
	parts := make([]string, len(frames))
	for i, fr := range frames {
		parts[i] = enc(fr)
	}
	return strings.Join(parts, delim)
}

// encodeJSON writes the frames as a JSON array: text frames as strings,
// others as {"hex": "..."} so that no byte is lost.
func encodeJSON(frames [][]byte) string {
	out := make([]any, len(frames))
	for i, fr := range frames {
		if utf8.Valid(fr) {
			out[i] = string(fr)
		} else {
			out[i] = map[string]string{"hex": hex.EncodeToString(fr)}
		}
	}
	b, _ := json.Marshal(out)
	return string(b)
}

// decode reads a message from one line, as encode would write it.
func (f *msgFormat) decode(line string) (zmq.Msg, error) {
	switch f.kind {
	case "hex":
		// Split at each space, not at runs of them: an empty frame is
		// nothing between two.
		return decodeHex(f.split(line, func(s string) []string { return strings.Split(s, " ") }))
	case "json":
		return decodeJSON(line)
	}
	return zmq.NewMsgString(f.split(line, func(s string) []string { return []string{s} })...), nil
}

// split splits at the delimiter, or as byDefault says without one.
func (f *msgFormat) split(line string, byDefault func(string) []string) []string {
	if f.delim == "" {
		return byDefault(line)
	}
	return strings.Split(line, f.delim)
}

func decodeHex(parts []string) (zmq.Msg, error) {
	frames := make([][]byte, len(parts))
	for i, p := range parts {
		b, err := hex.DecodeString(p)
		if err != nil {
			return zmq.Msg{}, fmt.Errorf("not hex: %q", p)
		}
		frames[i] = b
	}
	return zmq.NewMsg(frames...), nil
}

// decodeJSON takes a string (one frame) or an array of strings and
// {"hex": "..."} objects.
func decodeJSON(line string) (zmq.Msg, error) {
	var one string
	if json.Unmarshal([]byte(line), &one) == nil {
		return zmq.NewMsgString(one), nil
	}
	var parts []json.RawMessage
	if err := json.Unmarshal([]byte(line), &parts); err != nil || len(parts) == 0 {
		return zmq.Msg{}, fmt.Errorf("not a JSON string or non-empty array: %s", line)
	}
	frames := make([][]byte, len(parts))
	for i, p := range parts {
		b, err := decodeJSONFrame(p)
		if err != nil {
			return zmq.Msg{}, err
		}
		frames[i] = b
	}
	return zmq.NewMsg(frames...), nil
}

func decodeJSONFrame(p json.RawMessage) ([]byte, error) {
	var s string
	if json.Unmarshal(p, &s) == nil {
		return []byte(s), nil
	}
	var h struct{ Hex *string }
	if json.Unmarshal(p, &h) != nil || h.Hex == nil {
		return nil, fmt.Errorf("a frame must be a string or {\"hex\": \"...\"}, not %s", p)
	}
	b, err := hex.DecodeString(*h.Hex)
	if err != nil {
		return nil, fmt.Errorf("not hex: %q", *h.Hex)
	}
	return b, nil
}
