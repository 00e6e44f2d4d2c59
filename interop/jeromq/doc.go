// Package jeromq tests purezmq against JeroMQ 0.3.6 (Debian's
// libjeromq-java), which speaks ZMTP 2.0 only, over real loopback tcp
// connections. The JeroMQ side is peer/Peer.java, compiled with javac when
// the tests start and driven line by line; scripts/install-jeromq.sh
// installs JeroMQ and a JDK.
package jeromq
