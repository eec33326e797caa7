package reports

import (
	"errors"
	"testing"

	"github.com/corobench/corobench/results"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var errDiskFull = errors.New("disk full")

// failingWriter accepts n bytes, then fails every write.
type failingWriter struct{ n int }

func (w *failingWriter) Write(p []byte) (int, error) {
	if len(p) <= w.n {
		w.n -= len(p)
		return len(p), nil
	}
	n := w.n
	w.n = 0
	return n, errDiskFull
}

func TestWritersReturnTheFirstWriteError(t *testing.T) {
	t.Parallel()
	f := fixture()
	charts := Charts(f)
	require.NotEmpty(t, charts)
	load := f.Scenarios[0].Runs[0].Load
	writers := map[string]func(w *failingWriter) error{
		"markdown":     func(w *failingWriter) error { return Markdown(w, f) },
		"json":         func(w *failingWriter) error { return WriteJSON(w, f) },
		"html":         func(w *failingWriter) error { return HTML(w, f) },
		"svg":          func(w *failingWriter) error { return charts[0].WriteSVG(w) },
		"load summary": func(w *failingWriter) error { return LoadSummary(w, "127.0.0.1:8080", load) },
	}
	for name, write := range writers {
		for _, n := range []int{0, 100} {
			assert.ErrorIs(t, write(&failingWriter{n: n}), errDiskFull, "%s after %d bytes", name, n)
		}
	}
}

// TestRendersWhatExists: files from older versions, or from runs that
// failed early, lack whole parts; the report renders what there is.
func TestRendersWhatExists(t *testing.T) {
	t.Parallel()
	for name, f := range oddFiles() {
		var md failingWriter
		md.n = 1 << 30
		assert.NoError(t, Markdown(&md, f), name)
		for _, c := range Charts(f) {
			assert.NoError(t, c.WriteSVG(&failingWriter{n: 1 << 30}), "%s: %s", name, c.Name)
		}
		assert.NoError(t, WriteJSON(&failingWriter{n: 1 << 30}, f), name)
		assert.NoError(t, HTML(&failingWriter{n: 1 << 30}, f), name)
	}
}

// oddFiles are results files from older versions, or from runs that
// failed early: they lack whole parts.
func oddFiles() map[string]*results.File {
	return map[string]*results.File{
		"empty":        {Version: 1},
		"no runs":      {Version: 1, Scenarios: []results.Scenario{{Name: "nothing"}}},
		"all failed":   {Version: 1, Scenarios: []results.Scenario{{Name: "down", Runs: []results.Run{{Target: "loop", Rep: 1, Error: "exec: no such file"}}}}},
		"bare load":    {Version: 1, Scenarios: []results.Scenario{{Name: "bare", Runs: []results.Run{{Target: "x", Load: &results.Load{}}}}}},
		"idle no data": {Version: 1, Scenarios: []results.Scenario{{Name: "c10k", Kind: results.KindIdle, Runs: []results.Run{{Target: "x", Idle: &results.Idle{}}}}}},
		"batch only":   {Version: 1, Scenarios: []results.Scenario{{Name: EfficiencyIO, Kind: results.KindBatch, Runs: []results.Run{{Target: "loop", Load: &results.Load{Mode: results.ModeBatch, Makespan: 1}}}}}},
	}
}
