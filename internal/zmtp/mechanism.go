package zmtp

// Command is one ZMTP command frame's content: a name ("READY", "HELLO",
// "SUBSCRIBE", ...) and the bytes after it. Body may alias the buffer the
// command was parsed from; a mechanism that keeps it must copy it.
type Command struct {
	Name string
	Body []byte
}

// Mechanism is one side of a security handshake (RFC 23/37 section
// "Security Handshake"), as a state machine over commands. It never touches
// the network and starts no goroutine, so it can be tested and fuzzed alone.
//
// The engine drives it so:
//
//	cmds, err := m.Start()          // send cmds
//	for !m.Ready() {
//	    if req := m.ZAPRequest(); req != nil {
//	        cmds, err = m.ZAPReply(askHandler(req)) // send cmds
//	        continue
//	    }
//	    cmds, err = m.Handle(readCommand()) // send cmds
//	}
//
// Any error ends the connection; an error wrapping ErrAuth means the peer's
// credentials were refused (reported as an authentication failure), any
// other is a protocol error.
type Mechanism interface {
	// Name is the mechanism's name as it appears in the greeting.
	Name() string
	// Start returns the commands this side sends right after the greetings.
	Start() ([]Command, error)
	// Handle consumes one command from the peer and returns the commands to
	// send in answer (possibly none).
	Handle(cmd Command) ([]Command, error)
	// ZAPRequest is non-nil while the server side waits for a ZAP verdict on
	// the peer's credentials; the engine asks the handler and calls ZAPReply.
	ZAPRequest() *ZAPRequest
	// ZAPReply hands the handler's verdict over and returns the commands to
	// send (READY/WELCOME on success, ERROR on refusal).
	ZAPReply(reply ZAPReply) ([]Command, error)
	// Ready reports that the handshake is complete and traffic may flow.
	Ready() bool
	// PeerMetadata is the metadata the peer sent (Socket-Type, Identity, ...).
	// Valid once Ready.
	PeerMetadata() Metadata
	// UserID is the identity the ZAP handler gave the peer ("" if none).
	UserID() string
	// Codec transforms traffic frames after the handshake; nil means frames
	// go on the wire as they are (NULL, PLAIN).
	Codec() Codec
}

// Codec seals and opens the traffic frames of a mechanism that encrypts
// them (CURVE's MESSAGE command).
type Codec interface {
	// Seal appends to dst the whole wire frame (header included) that carries
	// one frame with the given flags (FlagMore, FlagCommand) and body.
	Seal(dst []byte, flags byte, body []byte) ([]byte, error)
	// SealBody appends what Seal does without the ZMTP frame header: the
	// body of a wire frame with no flags, SealedSize(len(body)) bytes long,
	// for a framing other than ZMTP's (ZWS).
	SealBody(dst []byte, flags byte, body []byte) ([]byte, error)
	// SealedSize is the size of the wire frame's body that carries a body
	// of n bytes.
	SealedSize(n int) int
	// Open takes the body of a received frame (whatever its flags: libzmq
	// sends MESSAGE with none) and returns the flags and body of the frame
	// it carries. Open consumes frameBody: it may decrypt in place (the
	// result then aliases frameBody) or hand frameBody to bufpool for
	// reuse, so the caller must not touch frameBody afterwards.
	Open(frameBody []byte) (flags byte, body []byte, err error)
	// Overhead is how many bytes Seal adds to a frame's body at most, so the
	// engine can bound buffers.
	Overhead() int
}

// ZAPRequest is what RFC 27 asks the handler about one peer.
type ZAPRequest struct {
	Domain      string
	Address     string // the peer's IP address, "" for ipc and inproc
	RoutingID   []byte // the peer's routing id as the server socket knows it
	Mechanism   string // "NULL", "PLAIN", "CURVE"
	Credentials [][]byte
}

// ZAPReply is the handler's verdict.
type ZAPReply struct {
	StatusCode string // "200" accepts; "300" temporary, "400" refused, "500" internal error
	StatusText string
	UserID     string
	Metadata   Metadata // extra properties to attach to the peer's messages
}

// Config is what every mechanism is built from.
type Config struct {
	// Local is the metadata this side sends in READY/INITIATE (Socket-Type,
	// Identity).
	Local Metadata
	// ZAP says a ZAP handler is to be asked about the peer (server side).
	ZAP bool
	// Domain, PeerAddress and RoutingID fill the ZAP request.
	Domain      string
	PeerAddress string
	RoutingID   []byte
}
