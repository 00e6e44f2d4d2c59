// Package draft tests purezmq's draft socket types (CLIENT/SERVER,
// RADIO/DISH, SCATTER/GATHER, DGRAM) against libzmq 4.3.5 built with its
// draft API: the one npm's zeromq 6.8.0 ships, driven through
// interop/node/draft-peer.js. Debian's libzmq is built without the draft
// API, so pebbe/zmq4 cannot be the peer here. `make node-peers` installs
// the Node packages.
package draft
