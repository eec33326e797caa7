package reports

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestMedianAndSpread(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name         string
		xs           []float64
		median, frac float64
		cell         string
	}{
		{name: "none", xs: nil, median: 0, frac: 0, cell: ""},
		{name: "one repetition", xs: []float64{800}, median: 800, frac: 0, cell: ""},
		{name: "even count", xs: []float64{900, 1000, 800, 1100}, median: 950, frac: 150.0 / 950, cell: " ±16%"},
		{name: "odd count, lopsided below", xs: []float64{1000, 960, 1010}, median: 1000, frac: 0.04, cell: " ±4.0%"},
		{name: "all zero", xs: []float64{0, 0}, median: 0, frac: 0, cell: " ±0%"},
	}
	for _, tt := range tests {
		m := median(tt.xs)
		assert.InDelta(t, tt.median, m, 1e-9, tt.name)
		assert.InDelta(t, tt.frac, spread(tt.xs, m), 1e-12, tt.name)
		assert.Equal(t, tt.cell, spreadCell(tt.xs, m), tt.name)
	}
}
