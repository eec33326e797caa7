package targets

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// compact never refuses bytes that fit the largest buffer: the unread tail
// of a full-size buffer (a large request answered, part of the next one
// read behind it) moves to the front, however long it is.
func TestCompactMakesRoomForAnyRequestThatFits(t *testing.T) {
	t.Parallel()
	home := make([]byte, 0, MaxBuffer)
	buf := home[:MaxBuffer]
	for _, unread := range []int{2, MaxBuffer / 2, MaxBuffer/2 + 1, MaxBuffer - 1} {
		in := buf[MaxBuffer-unread:]
		in[0], in[len(in)-1] = 'a', 'z'
		got, err := compact(in, &home)
		require.NoError(t, err, "%d unread bytes", unread)
		assert.Len(t, got, unread)
		assert.Equal(t, byte('a'), got[0])
		assert.Equal(t, byte('z'), got[len(got)-1])
		assert.Greater(t, cap(got), len(got), "room for the next read")
	}
	_, err := compact(buf, &home)
	assert.ErrorIs(t, err, errBufferFull, "a full buffer of one unfinished request")
}

// A buffer grown for one large request is let go once it is empty: the
// connection keeps a small one.
func TestCompactLetsAGrownBufferGo(t *testing.T) {
	t.Parallel()
	home := make([]byte, 0, MaxBuffer)
	got, err := compact(home[:0], &home)
	require.NoError(t, err)
	assert.Empty(t, got)
	assert.Equal(t, BufferSize, cap(got))
	assert.Equal(t, BufferSize, cap(home))
}
