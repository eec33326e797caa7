package poller_test

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/corobench/corobench/internal/poller"
)

func TestTimersPopInOrder(t *testing.T) {
	t.Parallel()
	h := poller.NewTimers[int]()
	rng := rand.New(rand.NewPCG(1, 2))
	timers := make([]poller.Timer[int], 200)
	var want []int
	for i := range timers {
		timers[i].Value = i
		h.Set(&timers[i], time.Duration(rng.IntN(1000)))
	}
	// Move some, stop some.
	for i := 0; i < len(timers); i += 3 {
		h.Set(&timers[i], time.Duration(rng.IntN(1000)))
	}
	for i := 1; i < len(timers); i += 7 {
		h.Stop(&timers[i])
		h.Stop(&timers[i]) // twice is harmless
		assert.False(t, timers[i].Scheduled())
	}
	for i := range timers {
		if timers[i].Scheduled() {
			want = append(want, i)
		}
	}
	slices.SortStableFunc(want, func(a, b int) int { return int(timers[a].When() - timers[b].When()) })
	assert.Equal(t, len(want), h.Len())

	var got []time.Duration
	for {
		tm, ok := h.Pop(1000)
		if !ok {
			break
		}
		assert.False(t, tm.Scheduled())
		got = append(got, tm.When())
	}
	require.Len(t, got, len(want))
	assert.True(t, slices.IsSorted(got), "timers pop earliest first")
	assert.Equal(t, 0, h.Len())
}

func TestTimersTimeout(t *testing.T) {
	t.Parallel()
	h := poller.NewTimers[string]()
	assert.Equal(t, time.Duration(-1), h.Timeout(0), "no timer: sleep until an event")
	a := &poller.Timer[string]{Value: "a"}
	h.Set(a, 50)
	assert.Equal(t, time.Duration(40), h.Timeout(10))
	assert.Equal(t, time.Duration(0), h.Timeout(60), "due: do not sleep")
	_, ok := h.Pop(49)
	assert.False(t, ok, "not due yet")
	h.Set(a, 5) // moved earlier
	got, ok := h.Pop(5)
	require.True(t, ok)
	assert.Equal(t, "a", got.Value)
}

func TestBuffersKeepOnlyTheirSize(t *testing.T) {
	t.Parallel()
	b := poller.NewBuffers(64, 2)
	x := b.Get()
	assert.Equal(t, 64, cap(x))
	x = append(x, "hello"...)
	b.Put(x)
	y := b.Get()
	assert.Empty(t, y, "a buffer comes back empty")
	b.Put(make([]byte, 0, 128)) // grown: dropped
	b.Put(y)
	b.Put(make([]byte, 64))
	b.Put(make([]byte, 64)) // beyond keep: dropped
	assert.Equal(t, 64, cap(b.Get()))
}
