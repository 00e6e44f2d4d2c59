// draft-peer.js: one libzmq 4.3.5 draft socket (npm zeromq 6.8.0), driven by
// purezmq's interop tests (interop/draft) over stdin and stdout.
//
// Usage: node draft-peer.js TYPE   (Server, Client, Radio, Dish, Gather,
// Scatter or Datagram)
//
// Each line on stdin is one JSON command, answered by one JSON line on
// stdout, in order: {"ok": true, ...} or {"error": "message", "code": ...}.
// Bodies travel as base64.
//
//   {"op": "bind", "endpoint": E}        -> {"ok", "endpoint": last endpoint}
//   {"op": "connect", "endpoint": E}     -> {"ok"}
//   {"op": "join", "group": G}, {"op": "leave", "group": G}
//   {"op": "send", "body": B64, "routingId": N, "group": G, "address": A}
//   {"op": "recv", "timeout": MS}        -> {"ok", "body", "routingId", "group", "address"}
//   {"op": "echo", "count": N, "timeout": MS}
//       receive N messages and send each back where it came from (SERVER:
//       to its routing id; Datagram: to its address), then answer
//       {"ok", "count": N}
//   {"op": "close"}                      -> {"ok"}, then the program exits
"use strict"

const draft = require("zeromq/draft")
const readline = require("readline")

const typeName = process.argv[2]
const Type = draft[typeName]
if (!Type) {
  process.stderr.write(`unknown socket type ${typeName}\n`)
  process.exit(2)
}
const socket = new Type({linger: 0})

function reply(obj) {
  process.stdout.write(JSON.stringify(obj) + "\n")
}

function b64(buf) {
  return Buffer.from(buf).toString("base64")
}

// receive returns one message as the JSON fields above.
async function receive(timeout) {
  socket.receiveTimeout = timeout === undefined ? -1 : timeout
  const got = await socket.receive()
  if (typeName === "Datagram") {
    // libzmq ends the address with a NUL: shown as it came.
    return {address: got[0].toString("latin1"), body: b64(got[1])}
  }
  const out = {body: b64(got[0])}
  const opts = got[1] || {}
  if (opts.routingId !== undefined) out.routingId = opts.routingId
  if (opts.group !== undefined) out.group = Buffer.from(opts.group).toString("latin1")
  return out
}

async function send(cmd) {
  const body = Buffer.from(cmd.body || "", "base64")
  switch (typeName) {
    case "Server":
      return socket.send(body, {routingId: cmd.routingId})
    case "Radio":
      return socket.send(body, {group: cmd.group})
    case "Datagram":
      return socket.send([cmd.address, body])
    default:
      return socket.send(body)
  }
}

async function echo(cmd) {
  for (let i = 0; i < cmd.count; i++) {
    socket.receiveTimeout = cmd.timeout === undefined ? -1 : cmd.timeout
    const got = await socket.receive()
    switch (typeName) {
      case "Server":
        await socket.send(got[0], {routingId: got[1].routingId})
        break
      case "Datagram":
        await socket.send([got[0], got[1]])
        break
      default:
        await socket.send(got[0])
    }
  }
  return {count: cmd.count}
}

async function run(cmd) {
  switch (cmd.op) {
    case "bind":
      await socket.bind(cmd.endpoint)
      return {endpoint: socket.lastEndpoint}
    case "connect":
      socket.connect(cmd.endpoint)
      return {}
    case "join":
      socket.join(cmd.group)
      return {}
    case "leave":
      socket.leave(cmd.group)
      return {}
    case "send":
      await send(cmd)
      return {}
    case "recv":
      return receive(cmd.timeout)
    case "echo":
      return echo(cmd)
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
      const out = await run(cmd)
      reply(Object.assign({ok: true}, out))
    } catch (err) {
      reply({error: String(err && err.message || err), code: err && err.code})
    }
    if (cmd && cmd.op === "close") break
  }
  if (!socket.closed) socket.close()
  process.exit(0)
}

process.on("warning", () => {}) // the draft API warns once; stderr stays for real errors
main()
