package loadgen

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestWindow(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 1, 2, 15, 4, 5, 0, time.UTC)
	sec := time.Second
	tests := []struct {
		name        string
		startAt     time.Time
		now         time.Time
		start, from time.Time
		late        bool
	}{
		{name: "no start time", now: at, start: at, from: at.Add(2 * sec)},
		{name: "early: waits", startAt: at, now: at.Add(-time.Minute), start: at.Add(-2 * sec), from: at},
		{name: "in the warm-up: the window holds", startAt: at, now: at.Add(-sec), start: at.Add(-sec), from: at, late: true},
		{name: "after the window's start: it moves", startAt: at, now: at.Add(3 * sec), start: at.Add(3 * sec), from: at.Add(3 * sec), late: true},
	}
	for _, tt := range tests {
		c := defaults()
		c.warmup, c.startAt = 2*sec, tt.startAt
		start, from, late := c.window(tt.now)
		assert.Equal(t, tt.start, start, tt.name)
		assert.Equal(t, tt.from, from, tt.name)
		assert.Equal(t, tt.late, late != "", "%s: %q", tt.name, late)
	}
}
