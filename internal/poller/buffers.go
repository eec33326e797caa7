package poller

// Buffers is a free list of equal-sized buffers for one loop. A connection
// takes one only while it holds bytes it could not finish with (a partial
// request, a partial write) and gives it back when they are gone, so an idle
// connection holds none.
type Buffers struct {
	size, keep int
	free       [][]byte
}

// NewBuffers returns a free list of buffers of size bytes that keeps at most
// keep free ones.
func NewBuffers(size, keep int) *Buffers {
	return &Buffers{size: size, keep: keep}
}

// Get returns an empty buffer with room for the list's size.
func (b *Buffers) Get() []byte {
	if n := len(b.free); n > 0 {
		buf := b.free[n-1]
		b.free[n-1] = nil
		b.free = b.free[:n-1]
		return buf
	}
	return make([]byte, 0, b.size)
}

// Put gives buf back. A buffer that is not the list's size (grown for a
// large request, or resliced) is left to the garbage collector.
func (b *Buffers) Put(buf []byte) {
	if cap(buf) != b.size || len(b.free) >= b.keep {
		return
	}
	b.free = append(b.free, buf[:0])
}
