package loadgen

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

// testChatMember is member 0 of a room of n, reading over TCP, the run
// started now and measuring at once.
func testChatMember(n int) *chatMember {
	cfg := defaults()
	cfg.duration, cfg.warmup = time.Hour, 0
	cr := newChatRun("127.0.0.1:1", &cfg, Chat{Members: n, Rate: 1, Size: 64}.withDefaults(), time.Now().Add(-time.Second))
	cr.from = cr.start
	cr.rec = newRecorder(1, cr.start, time.Hour, false)
	m := cr.members[0]
	m.shard = cr.rec.shard(0)
	return m
}

// Reading deliveries allocates nothing: the hot path of the client.
func TestChatReadAllocs(t *testing.T) {
	m := testChatMember(4)
	var stream []byte
	for s := 1; s < 4; s++ {
		m.cr.claimed[s].Store(1 << 20)
		for q := range 20 {
			stream = fmt.Appendf(stream, "M %s%d %d %d xxxxxxxxxxxxxxxxxxxx\n", m.cr.tag, s, q, int64(500*time.Millisecond))
		}
	}
	buf := m.buf
	now := time.Now()
	allocs := testing.AllocsPerRun(50, func() {
		n := copy(buf, stream)
		m.lines(buf, n, false, now)
	})
	assert.Zero(t, allocs)
	assert.Positive(t, m.received)
}

// Deliveries are checked against their sender's order: skipped ones are
// lost, a repeat is a duplicate, an older one out of order.
func TestChatDeliveryOrder(t *testing.T) {
	m := testChatMember(3)
	m.cr.claimed[1].Store(100)
	m.pairs[1] = chatPair{join: 5, next: 5}
	now := time.Now()
	say := func(seq int) {
		m.delivery(fmt.Appendf(nil, "%s1", m.cr.tag), fmt.Appendf(nil, "%d %d", seq, int64(time.Millisecond)), now)
	}
	for _, q := range []int{3, 5, 6, 6, 9, 7, 10} {
		say(q)
	}
	assert.Equal(t, int64(7), m.received)
	assert.Equal(t, int64(1), m.dup, "6 twice")
	assert.Equal(t, int64(1), m.ooo, "7 after 9")
	assert.Equal(t, int64(1), m.lost, "8 skipped (7 came late)")
	m.snap = []uint32{0, 14, 0}
	m.owed()
	assert.Equal(t, int64(4), m.lost, "11 to 13 never came")
}

// FuzzChatLines: whatever a room sends, the reader neither panics nor
// keeps more than its buffer.
func FuzzChatLines(f *testing.F) {
	f.Add([]byte("M ab.1 0 1 xx\nB hello\nPONG\nERR unknown\n"))
	f.Add([]byte("M ab.1 99999999999999999999 1\nM \nM x\n\n\r\n"))
	f.Add(make([]byte, 3000))
	f.Fuzz(func(t *testing.T, data []byte) {
		m := testChatMember(3)
		m.cr.claimed[1].Store(10)
		skip := false
		n := 0
		for len(data) > 0 {
			k := copy(m.buf[n:], data)
			data = data[k:]
			n, skip = m.lines(m.buf, n+k, skip, time.Now())
			if n >= ChatMaxLine {
				t.Fatalf("kept %d bytes of a line", n)
			}
		}
	})
}
