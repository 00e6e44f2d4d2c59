package zmq

// ReadingDirectly reports whether a Recv on s is reading its only peer's
// connection itself right now (recvdirect.go), for tests to wait until one
// is, rather than for a while.
func ReadingDirectly(s *Socket) bool {
	p := s.direct.solo.Load()
	return p != nil && p.ReadingDirect()
}
