// ws-peer.js: one libzmq 4.3.5 socket (npm zeromq 6.8.0), driven by
// purezmq's WebSocket interop tests (interop/ws) over stdin and stdout.
//
// Usage: node ws-peer.js TYPE [OPTIONS-JSON]
//   TYPE: Request, Reply, Publisher, Subscriber, Push, Pull, Dealer, Router
//   OPTIONS-JSON: socket options as zeromq.js names them, e.g.
//   {"curveServer": true, "curveSecretKey": "..."}
//
// Each line on stdin is one JSON command, answered by one JSON line on
// stdout, in order: {"ok": true, ...} or {"error": "message", "code": ...}
// (code "EAGAIN" for a receive that timed out). Frames
// travel as arrays of base64 strings.
//
//   {"op": "bind", "endpoint": E}          -> {"ok", "endpoint": last endpoint}
//   {"op": "connect", "endpoint": E}       -> {"ok"}
//   {"op": "subscribe", "topic": T}        -> {"ok"}
//   {"op": "send", "frames": [B64...]}     -> {"ok"}
//   {"op": "recv", "timeout": MS}          -> {"ok", "frames": [B64...]}
//   {"op": "echo", "count": N, "timeout": MS}
//       receive N messages and send each back as it came (a Router sends
//       it to the peer it came from), then answer {"ok", "count": N}
//   {"op": "close"}                        -> {"ok"}, then the program exits
"use strict"

const zmq = require("zeromq")
const readline = require("readline")

const typeName = process.argv[2]
const Type = zmq[typeName]
if (!Type) {
  process.stderr.write(`unknown socket type ${typeName}\n`)
  process.exit(2)
}
const options = Object.assign({linger: 0}, JSON.parse(process.argv[3] || "{}"))
const socket = new Type(options)

function reply(obj) {
  process.stdout.write(JSON.stringify(obj) + "\n")
}

const b64 = (buf) => Buffer.from(buf).toString("base64")
const unb64 = (s) => Buffer.from(s, "base64")

async function receive(timeout) {
  socket.receiveTimeout = timeout === undefined ? -1 : timeout
  return socket.receive()
}

async function run(cmd) {
  switch (cmd.op) {
    case "bind":
      await socket.bind(cmd.endpoint)
      return {endpoint: socket.lastEndpoint}
    case "connect":
      socket.connect(cmd.endpoint)
      return {}
    case "subscribe":
      socket.subscribe(cmd.topic)
      return {}
    case "send":
      socket.sendTimeout = cmd.timeout === undefined ? -1 : cmd.timeout
      await socket.send(cmd.frames.map(unb64))
      return {}
    case "recv":
      return {frames: (await receive(cmd.timeout)).map(b64)}
    case "echo":
      for (let i = 0; i < cmd.count; i++) {
        await socket.send(await receive(cmd.timeout))
      }
      return {count: cmd.count}
    case "close":
      socket.close()
      return {}
  }
  throw new Error(`unknown op ${cmd.op}`)
}

async function main() {
  const lines = readline.createInterface({input: process.stdin, terminal: false})
  for await (const line of lines) {
    if (line.trim() === "") continue
    let cmd
    try {
      cmd = JSON.parse(line)
      reply(Object.assign({ok: true}, await run(cmd)))
    } catch (err) {
      reply({error: String((err && err.message) || err), code: err && err.code})
    }
    if (cmd && cmd.op === "close") break
  }
  if (!socket.closed) socket.close()
  process.exit(0)
}

main()
