// Package ws tests purezmq's WebSocket transport (ZWS 2.0, RFC 45) against
// real peers: libzmq 4.3.5 with its ws transport, the one npm's zeromq
// 6.8.0 ships, driven through interop/node/ws-peer.js; and jszmq in
// headless Chromium, loading a page these tests serve. `make node-peers`
// installs the Node packages and scripts/install-chromium.sh the browser.
package ws
