// Command floor is the least work a program can do to move small ZeroMQ
// messages over a connection, to measure what the machine allows: a
// PUSH/PULL pair speaking ZMTP 3.1 (NULL, the handshake written by hand),
// whose sender encodes frames straight into one buffer and writes it every
// 60 KiB, and whose receiver reads 64 KiB at a time and slices each frame
// out of the buffer. No queue, no goroutine hand-off, no socket: what is
// left is the kernel's loopback, the read and write calls and the parsing.
// It takes the arguments of libzmq's perf tools and prints their result
// line, so it pairs with them (bench/c) and with zmq perf in either role:
//
//	floor local_thr ENDPOINT SIZE COUNT    bind, receive, report throughput
//	floor remote_thr ENDPOINT SIZE COUNT   connect, send
//
// ENDPOINT is tcp://host:port or ipc://path. A library's throughput beside
// the floor's, in the same run, says how much of what is left is the
// library's own.
package main

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"strings"
	"time"
)

const usage = "floor local_thr|remote_thr ENDPOINT SIZE COUNT"

func main() {
	if len(os.Args) != 5 {
		die("usage: %s", usage)
	}
	network, address := endpoint(os.Args[2])
	size, err1 := strconv.Atoi(os.Args[3])
	count, err2 := strconv.Atoi(os.Args[4])
	if err1 != nil || err2 != nil || size < 0 || count < 1 {
		die("usage: %s", usage)
	}
	switch os.Args[1] {
	case "local_thr":
		localThr(network, address, size, count)
	case "remote_thr":
		remoteThr(network, address, size, count)
	default:
		die("usage: %s", usage)
	}
}

func endpoint(ep string) (network, address string) {
	switch {
	case strings.HasPrefix(ep, "tcp://"):
		return "tcp", strings.TrimPrefix(ep, "tcp://")
	case strings.HasPrefix(ep, "ipc://"):
		return "unix", strings.TrimPrefix(ep, "ipc://")
	}
	die("endpoint %q: tcp:// or ipc:// only", ep)
	return "", ""
}

func localThr(network, address string, size, count int) {
	if network == "unix" {
		os.Remove(address)
	}
	l, err := net.Listen(network, address)
	check(err)
	c, err := l.Accept()
	check(err)
	l.Close()
	handshake(c, "PULL")
	buf := make([]byte, 64<<10)
	var frames [][]byte // reused: what a receiver would hand on
	r, w, got := 0, 0, 0
	var start time.Time
	for got < count {
		for got < count {
			body, n := frame(buf[r:w])
			if n == 0 {
				break
			}
			if len(body) != size {
				die("message of incorrect size received")
			}
			frames = append(frames[:0], body)
			r += n
			if got++; got == 1 {
				start = time.Now()
			}
		}
		if got == count {
			break
		}
		w = copy(buf, buf[r:w])
		r = 0
		n, err := c.Read(buf[w:])
		check(err)
		w += n
	}
	elapsed := time.Since(start)
	_ = frames
	throughput := float64(count) / elapsed.Seconds()
	fmt.Printf("message size: %d [B]\nmessage count: %d\n", size, count)
	fmt.Printf("mean throughput: %d [msg/s]\n", int(throughput))
	fmt.Printf("mean throughput: %.3f [Mb/s]\n", throughput*float64(size)*8/1e6)
}

// frame returns the body of the frame at the start of b and the frame's
// length, or n == 0 if it is not all there.
func frame(b []byte) (body []byte, n int) {
	if len(b) < 2 {
		return nil, 0
	}
	size, hdr := uint64(b[1]), 2
	if b[0]&0x02 != 0 { // long
		if len(b) < 9 {
			return nil, 0
		}
		size, hdr = binary.BigEndian.Uint64(b[1:9]), 9
	}
	if uint64(len(b)-hdr) < size {
		if uint64(hdr)+size > 64<<10 {
			die("frame of %d bytes: too big for this tool", size)
		}
		return nil, 0
	}
	end := hdr + int(size)
	return b[hdr:end:end], end
}

func remoteThr(network, address string, size, count int) {
	var c net.Conn
	var err error
	for deadline := time.Now().Add(10 * time.Second); ; {
		if c, err = net.Dial(network, address); err == nil || time.Now().After(deadline) {
			break
		}
		time.Sleep(10 * time.Millisecond) // the peer is not bound yet
	}
	check(err)
	handshake(c, "PUSH")
	body := make([]byte, size)
	out := make([]byte, 0, 64<<10)
	for i := 0; i < count; i++ {
		if size < 256 {
			out = append(out, 0, byte(size))
		} else {
			out = append(out, 0x02)
			out = binary.BigEndian.AppendUint64(out, uint64(size))
		}
		out = append(out, body...)
		if len(out) >= 60<<10 {
			_, err := c.Write(out)
			check(err)
			out = out[:0]
		}
	}
	_, err = c.Write(out)
	check(err)
	// Wait for the receiver to hang up, so that nothing is cut short.
	if cw, ok := c.(interface{ CloseWrite() error }); ok {
		_ = cw.CloseWrite()
	}
	_, _ = io.Copy(io.Discard, c)
	c.Close()
}

// handshake is ZMTP 3.1 with NULL: a greeting, then READY with the socket
// type; the peer's are read and not checked.
func handshake(c net.Conn, socketType string) {
	greeting := make([]byte, 64)
	greeting[0], greeting[9], greeting[10] = 0xff, 0x7f, 3
	copy(greeting[12:], "NULL")
	_, err := c.Write(greeting)
	check(err)
	ready := append([]byte{5}, "READY"...)
	ready = append(ready, byte(len("Socket-Type")))
	ready = append(ready, "Socket-Type"...)
	ready = binary.BigEndian.AppendUint32(ready, uint32(len(socketType)))
	ready = append(ready, socketType...)
	_, err = c.Write(append([]byte{0x04, byte(len(ready))}, ready...))
	check(err)
	_, err = io.ReadFull(c, greeting)
	check(err)
	hdr := make([]byte, 2)
	_, err = io.ReadFull(c, hdr)
	check(err)
	n := uint64(hdr[1])
	if hdr[0]&0x02 != 0 {
		long := make([]byte, 7)
		_, err = io.ReadFull(c, long)
		check(err)
		n = binary.BigEndian.Uint64(append(hdr[1:], long...))
	}
	if hdr[0]&0x04 == 0 || n > 1<<16 {
		check(errors.New("the peer's first frame is not a READY command"))
	}
	_, err = io.ReadFull(c, make([]byte, n))
	check(err)
}

func check(err error) {
	if err != nil {
		die("%v", err)
	}
}

func die(format string, args ...any) {
	fmt.Fprintf(os.Stderr, format+"\n", args...)
	os.Exit(1)
}
