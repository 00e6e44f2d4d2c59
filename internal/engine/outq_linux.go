package engine

import (
	"net"
	"syscall"
	"unsafe"
)

// unsentBytes is how many of the bytes written to conn the peer has not
// taken yet: for a unix socket those it has not read, for tcp those it has
// not acknowledged (SIOCOUTQ, which is TIOCOUTQ's number). ok is false if
// the system does not tell.
func unsentBytes(conn net.Conn) (n int, ok bool) {
	sc, isSys := conn.(syscall.Conn)
	if !isSys {
		return 0, false
	}
	raw, err := sc.SyscallConn()
	if err != nil {
		return 0, false
	}
	var queued int32
	var errno syscall.Errno
	err = raw.Control(func(fd uintptr) {
		_, _, errno = syscall.Syscall(syscall.SYS_IOCTL, fd, syscall.TIOCOUTQ, uintptr(unsafe.Pointer(&queued)))
	})
	if err != nil || errno != 0 {
		return 0, false
	}
	return int(queued), true
}
