package loadgen

import "github.com/corobench/corobench/protocol"

// rbuf is what a connection received: buf[rpos:] is not parsed yet. The
// response parser holds bytes only while it needs them whole (a head, a
// chunk-size line, a kept body) and within its bounds, so the buffer never
// grows past maxBuffer; a body streams through it.
type rbuf struct {
	buf  []byte
	rpos int
}

const (
	// initialBuffer is a connection's buffer at first.
	initialBuffer = 16 << 10
	// maxBuffer bounds a connection's buffer: room for the longest head
	// the parser accepts, and as much again for what follows it.
	maxBuffer = 2 * protocol.MaxResponseHead
	// maxUnasked bounds what a connection keeps of bytes the target sent
	// while nothing was asked (an event loop reads them during the think
	// time): a little, such as a 408 before a close, is parsed against the
	// next request; more is the target's error (ErrUnasked), and the
	// connection is closed.
	maxUnasked = 4 << 10
)

// reset empties the buffer for a new connection.
func (b *rbuf) reset() {
	if b.buf == nil {
		b.buf = make([]byte, 0, initialBuffer)
	}
	b.buf, b.rpos = b.buf[:0], 0
}

// unparsed is what was received and not parsed yet.
func (b *rbuf) unparsed() []byte { return b.buf[b.rpos:] }

// space is where the next read goes: after what is unparsed, which moves to
// the front, or into a larger buffer, when the buffer is full. It is empty
// only when maxBuffer bytes are unparsed, which the parser's bounds prevent
// while a response is awaited.
func (b *rbuf) space() []byte {
	if b.rpos == len(b.buf) {
		b.buf, b.rpos = b.buf[:0], 0
	}
	if len(b.buf) == cap(b.buf) {
		switch {
		case b.rpos > 0:
			b.buf, b.rpos = b.buf[:copy(b.buf, b.buf[b.rpos:])], 0
		case cap(b.buf) < maxBuffer:
			grown := make([]byte, len(b.buf), min(2*cap(b.buf), maxBuffer))
			copy(grown, b.buf)
			b.buf = grown
		}
	}
	return b.buf[len(b.buf):cap(b.buf)]
}

// filled notes n bytes read into space.
func (b *rbuf) filled(n int) { b.buf = b.buf[:len(b.buf)+n] }
