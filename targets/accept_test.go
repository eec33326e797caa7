package targets_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/corobench/corobench/targets"
)

func TestAcceptPauseDoublesToItsCap(t *testing.T) {
	t.Parallel()
	var got []time.Duration
	var pause time.Duration
	for range 10 {
		pause = targets.AcceptPause(pause)
		got = append(got, pause)
	}
	ms := time.Millisecond
	assert.Equal(t, []time.Duration{5 * ms, 10 * ms, 20 * ms, 40 * ms, 80 * ms, 160 * ms, 320 * ms, 640 * ms, time.Second, time.Second}, got)
}
