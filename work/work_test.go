package work

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// The checksums are part of the protocol: other languages' targets must
// produce the same ones, so they are pinned here. The first two are the
// first outputs of Marsaglia's xorshift32 from his published seed.
func TestSpinKnownValues(t *testing.T) {
	t.Parallel()
	tests := []struct {
		units uint64
		want  uint32
	}{
		{0, Seed},
		{1, 723471715},
		{2, 2497366906},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, Spin(tt.units), "Spin(%d)", tt.units)
	}
	// Spin(n+1) is one step after Spin(n).
	x := Spin(999)
	x ^= x << 13
	x ^= x >> 17
	x ^= x << 5
	assert.Equal(t, x, Spin(1000))
}

func TestRateUnits(t *testing.T) {
	t.Parallel()
	assert.Equal(t, uint64(0), Rate(500).Units(0))
	assert.Equal(t, uint64(500_000), Rate(500).Units(1000))
	assert.Equal(t, uint64(2), Rate(1.5).Units(1))
}

func TestCalibrate(t *testing.T) {
	t.Parallel()
	r := Calibrate(DefaultCalibration)
	assert.Positive(t, float64(r))
}

func BenchmarkSpin(b *testing.B) {
	var sink uint32
	for b.Loop() {
		sink ^= Spin(1000)
	}
	_ = sink
}
