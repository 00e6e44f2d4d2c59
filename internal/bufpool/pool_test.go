package bufpool

import "testing"

func TestGetPut(t *testing.T) {
	for _, size := range []int{16 << 10, 16<<10 + 1, 100 << 10, 1 << 20, 3 << 20} {
		b := Get(size)
		if len(b) != size || cap(b) < size {
			t.Fatalf("Get(%d) gave len %d cap %d", size, len(b), cap(b))
		}
		Put(b)
	}
}

func TestPutIgnoresForeignBuffers(t *testing.T) {
	for _, b := range [][]byte{make([]byte, 1<<20), make([]byte, 10), make([]byte, 1<<20+2), nil} {
		Put(b) // must neither panic nor enter a class
	}
	foreign := make([]byte, 1<<16)
	Put(foreign)
	got := Get(1 << 16)
	if &got[:1][0] == &foreign[0] {
		t.Fatal("a buffer that did not come from Get was recycled")
	}
}

func TestHugeSizesAreNotPooled(t *testing.T) {
	b := Get(1<<maxShift + 1)
	if cap(b) != len(b) {
		t.Fatal("an oversized buffer got a pooled capacity")
	}
}
