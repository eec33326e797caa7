package loadgen

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/corobench/corobench/results"
)

func TestWarnings(t *testing.T) {
	t.Parallel()
	cfg := defaults()
	tests := []struct {
		name        string
		load        results.Load
		interrupted bool
		want        []string
	}{
		{name: "clean", load: results.Load{Mode: results.ModeClosed, Elapsed: 10, Requests: 100}},
		{name: "a few cut at the end", load: results.Load{Mode: results.ModeClosed, Elapsed: 10, Unfinished: 50, UnfinishedOldest: 0.01}},
		{name: "held all run", load: results.Load{Mode: results.ModeClosed, Elapsed: 10, Unfinished: 49, UnfinishedOldest: 12},
			want: []string{"unfinished: 49 requests", "as long as the measured run"}},
		{name: "dropped and short", load: results.Load{Mode: results.ModeOpen, Elapsed: 10, Requests: 500, Rate: 100, Dropped: 500},
			want: []string{"dropped: 500", "achieved 50 req/s of the 100 asked"}},
		{name: "interrupted", load: results.Load{Mode: results.ModeClosed, Elapsed: 1}, interrupted: true, want: []string{"interrupted"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := strings.Join(warnings(&cfg, &tt.load, tt.interrupted), "\n")
			if tt.want == nil {
				assert.Empty(t, got)
			}
			for _, w := range tt.want {
				assert.Contains(t, got, w)
			}
		})
	}
}
