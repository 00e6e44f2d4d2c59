package zmtp

import (
	"bytes"
	"strconv"
	"testing"
	"unsafe"

	"github.com/purezmq/zmq/internal/bufpool"
	"golang.org/x/crypto/nacl/box"
)

var codecSizes = []int{0, 1, 2, 30, 31, 32, 33, 63, 64, 65, 127, 128, 200, 1000, 16<<10 - 40, 16<<10 - 33, 16 << 10, 65536, 70001}

func codecBody(size int, seed byte) []byte {
	b := make([]byte, size)
	for i := range b {
		b[i] = byte(i*7) + seed
	}
	return b
}

// The MESSAGE box made by hand is exactly crypto_box_afternm, i.e.
// nacl/box with the precomputed key, so libzmq (libsodium) opens it, and
// ours opens what box makes.
func TestCurveCodecMatchesNaclBox(t *testing.T) {
	key := [32]byte{1, 2, 3, 4, 5}
	for _, size := range codecSizes {
		for _, flags := range []byte{0, FlagMore, FlagCommand, FlagMore | FlagCommand} {
			body := codecBody(size, flags)
			sender := &curveCodec{key: key, sendPrefix: curveClientMsgPfx, sendNonce: 5}
			frame, err := sender.Seal(nil, flags, body)
			if err != nil {
				t.Fatal(err)
			}
			_, fsize, n, err := ParseFrameHeader(frame)
			if err != nil || fsize != uint64(len(frame)-n) {
				t.Fatalf("size %d: header %d %d %v", size, fsize, n, err)
			}
			var inner byte
			if flags&FlagMore != 0 {
				inner |= curveMsgMore
			}
			if flags&FlagCommand != 0 {
				inner |= curveMsgCommand
			}
			plain := append([]byte{inner}, body...)
			want := append([]byte(curveMessageName), 0, 0, 0, 0, 0, 0, 0, 5)
			want = box.SealAfterPrecomputation(want, plain, shortNonce(curveClientMsgPfx, 5), &key)
			if !bytes.Equal(frame[n:], want) {
				t.Fatalf("size %d flags %x: Seal differs from nacl/box", size, flags)
			}

			receiver := &curveCodec{key: key, recvPrefix: curveClientMsgPfx, recvNonce: 4}
			gotFlags, got, err := receiver.Open(append([]byte(nil), want...))
			if err != nil || gotFlags != flags || !bytes.Equal(got, body) {
				t.Fatalf("size %d flags %x: Open of nacl/box = %x, %d bytes, %v", size, flags, gotFlags, len(got), err)
			}
		}
	}
}

// The sender may reuse a body's buffer (and its write buffer) as soon as
// Seal returns: what the receiver opened stays as it was sent.
func TestCurveCodecSenderReusesBuffers(t *testing.T) {
	client, server := curveReady(t)
	from, to := client.Codec(), server.Codec()
	for _, size := range codecSizes {
		body := codecBody(size, 9)
		want := append([]byte(nil), body...)
		wire, err := from.Seal(nil, 0, body)
		if err != nil {
			t.Fatal(err)
		}
		_, _, n, _ := ParseFrameHeader(wire)
		// What the kernel hands the receiver is a copy; large frames arrive
		// in a buffer from bufpool, as the engine reads them.
		var recvd []byte
		if len(wire)-n >= curveOwnBuffer {
			recvd = bufpool.Get(len(wire) - n)
			copy(recvd, wire[n:])
		} else {
			recvd = append([]byte(nil), wire[n:]...)
		}
		_, got, err := to.Open(recvd)
		if err != nil {
			t.Fatal(err)
		}
		// The sender scribbles over its body and seals again into the
		// same write buffer.
		for i := range body {
			body[i] = ^body[i]
		}
		wire, err = from.Seal(wire[:0], FlagMore, body)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("size %d: received body changed after the sender reused its buffers", size)
		}
		_, _, n, _ = ParseFrameHeader(wire)
		if flags, again, err := to.Open(wire[n:]); err != nil || flags != FlagMore || !bytes.Equal(again, body) {
			t.Fatalf("size %d: second message %x %v", size, flags, err)
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("size %d: received body changed when the next was opened", size)
		}
	}
}

// Small frames are opened in place (no allocation, no copy); large ones
// into a bufpool buffer of their own, so Msg.Release can recycle them.
func TestCurveCodecOpenBuffers(t *testing.T) {
	client, server := curveReady(t)
	from, to := client.Codec(), server.Codec()
	for _, size := range []int{100, 60000} {
		wire, err := from.Seal(nil, 0, codecBody(size, 3))
		if err != nil {
			t.Fatal(err)
		}
		_, _, n, _ := ParseFrameHeader(wire)
		frameBody := wire[n:]
		_, got, err := to.Open(frameBody)
		if err != nil || !bytes.Equal(got, codecBody(size, 3)) {
			t.Fatalf("size %d: %v", size, err)
		}
		inPlace := unsafe.SliceData(got) == &frameBody[curveMessageHead]
		if size < curveOwnBuffer {
			if !inPlace || cap(got) != len(got) {
				t.Fatalf("size %d: not opened in place (cap %d)", size, cap(got))
			}
		} else if inPlace || cap(got) != 1<<16+1 {
			t.Fatalf("size %d: not opened into a bufpool buffer (cap %d)", size, cap(got))
		}
	}
}

// A frame that does not open is left untouched, and costs no nonce.
func TestCurveCodecRefusedFrameUntouched(t *testing.T) {
	client, server := curveReady(t)
	for _, size := range []int{10, 40000} {
		wire, err := client.Codec().Seal(nil, 0, codecBody(size, 1))
		if err != nil {
			t.Fatal(err)
		}
		_, _, n, _ := ParseFrameHeader(wire)
		body := wire[n:]
		body[len(body)-1] ^= 1
		before := append([]byte(nil), body...)
		if _, _, err := server.Codec().Open(body); err == nil {
			t.Fatal("tampered frame opened")
		}
		if !bytes.Equal(body, before) {
			t.Fatalf("size %d: refused frame modified", size)
		}
		body[len(body)-1] ^= 1
		if _, got, err := server.Codec().Open(body); err != nil || !bytes.Equal(got, codecBody(size, 1)) {
			t.Fatalf("size %d: genuine frame after refusal: %v", size, err)
		}
	}
}

func TestCurveCodecNoAllocs(t *testing.T) {
	key := [32]byte{9}
	sender := &curveCodec{key: key, sendPrefix: curveServerMsgPfx, sendNonce: 1}
	receiver := &curveCodec{key: key, recvPrefix: curveServerMsgPfx}
	body := codecBody(1024, 0)
	buf := make([]byte, 0, 4096)
	recvd := make([]byte, 2048)
	allocs := testing.AllocsPerRun(100, func() {
		wire, err := sender.Seal(buf[:0], 0, body)
		if err != nil {
			t.Fatal(err)
		}
		_, _, hdr, _ := ParseFrameHeader(wire)
		n := copy(recvd, wire[hdr:])
		if _, _, err := receiver.Open(recvd[:n]); err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 0 {
		t.Fatalf("%v allocations per Seal+Open", allocs)
	}
}

func BenchmarkCurveCodec(b *testing.B) {
	key := [32]byte{9}
	for _, size := range []int{16, 1024, 65536} {
		b.Run(strconv.Itoa(size), func(b *testing.B) {
			sender := &curveCodec{key: key, sendPrefix: curveServerMsgPfx, sendNonce: 1}
			receiver := &curveCodec{key: key, recvPrefix: curveServerMsgPfx}
			body := codecBody(size, 0)
			buf := make([]byte, 0, size+100)
			var recvd []byte
			b.SetBytes(int64(size))
			b.ReportAllocs()
			for b.Loop() {
				wire, _ := sender.Seal(buf[:0], 0, body)
				_, _, n, _ := ParseFrameHeader(wire)
				if len(wire)-n >= curveOwnBuffer {
					recvd = bufpool.Get(len(wire) - n)
				} else {
					recvd = recvd[:0]
				}
				recvd = append(recvd[:0], wire[n:]...)
				_, got, err := receiver.Open(recvd)
				if err != nil {
					b.Fatal(err)
				}
				bufpool.Put(got)
			}
		})
	}
}
