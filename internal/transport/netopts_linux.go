package transport

import (
	"net"
	"os/user"
	"strconv"
	"strings"
	"syscall"
)

// tcpUserTimeout is TCP_USER_TIMEOUT, which package syscall lacks.
const tcpUserTimeout = 0x12

func setRawOptions(fd int, network string, o NetOptions) error {
	ipv6 := strings.HasSuffix(network, "6")
	if o.TOS != 0 && strings.HasPrefix(network, "tcp") {
		level, opt := syscall.IPPROTO_IP, syscall.IP_TOS
		if ipv6 {
			level, opt = syscall.IPPROTO_IPV6, syscall.IPV6_TCLASS
		}
		if err := syscall.SetsockoptInt(fd, level, opt, o.TOS); err != nil {
			return err
		}
	}
	if o.MaxRetransmit > 0 && strings.HasPrefix(network, "tcp") {
		if err := syscall.SetsockoptInt(fd, syscall.IPPROTO_TCP, tcpUserTimeout, int(o.MaxRetransmit.Milliseconds())); err != nil {
			return err
		}
	}
	if o.BindToDevice != "" {
		if err := syscall.BindToDevice(fd, o.BindToDevice); err != nil {
			return err
		}
	}
	return nil
}

// relisten sets the listen queue's length on a listening socket: Linux
// takes a second listen(2) as a change of backlog.
func relisten(ln net.Listener, backlog int) error {
	sc, ok := ln.(syscall.Conn)
	if !ok {
		return nil
	}
	raw, err := sc.SyscallConn()
	if err != nil {
		return err
	}
	var lerr error
	err = raw.Control(func(fd uintptr) { lerr = syscall.Listen(int(fd), backlog) })
	if err != nil {
		return err
	}
	return lerr
}

func peerCredentials(c net.Conn) (credentials, error) {
	sc, ok := c.(syscall.Conn)
	if !ok {
		return credentials{}, syscall.EINVAL
	}
	raw, err := sc.SyscallConn()
	if err != nil {
		return credentials{}, err
	}
	var cred *syscall.Ucred
	var cerr error
	if err := raw.Control(func(fd uintptr) {
		cred, cerr = syscall.GetsockoptUcred(int(fd), syscall.SOL_SOCKET, syscall.SO_PEERCRED)
	}); err != nil {
		return credentials{}, err
	}
	if cerr != nil {
		return credentials{}, cerr
	}
	return credentials{UID: int(cred.Uid), GID: int(cred.Gid), PID: int(cred.Pid)}, nil
}

// groups are the peer's group and its user's other groups, as libzmq's
// ipc filter counts them.
func (c credentials) groups() []int {
	gids := []int{c.GID}
	u, err := user.LookupId(strconv.Itoa(c.UID))
	if err != nil {
		return gids
	}
	more, err := u.GroupIds()
	if err != nil {
		return gids
	}
	for _, g := range more {
		if n, err := strconv.Atoi(g); err == nil {
			gids = append(gids, n)
		}
	}
	return gids
}
