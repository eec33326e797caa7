package compare

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// goldenReports are the reports the golden files show: an unpaired
// comparison with a regression, an improvement and a warning, and a paired
// A/B.
func goldenReports() map[string]*Report {
	a := spec{target: "goroutine", reps: 5, rps: 4500, p99: 12 * time.Millisecond, cpuUS: 35}
	l := spec{target: "loop", reps: 5, rps: 82, p99: 600 * time.Millisecond}
	base := mkFile("io-bound", a, l)
	head := mkFile("io-bound",
		with(a, func(s *spec) { s.rps *= 0.8; s.cpuUS *= 1.3; s.errs = 2 }),
		with(l, func(s *spec) { s.rps *= 1.2; s.reps = 2 }))
	return map[string]*Report{
		"files": Files(base, head),
		"ab": Paired([]PairSet{
			mkPairs("io-bound", a, with(a, func(s *spec) { s.cpuUS *= 1.02 }), 10),
			mkPairs("io-bound", l, with(l, func(s *spec) { s.rps *= 0.92; s.scale = 3 }), 10),
		}),
	}
}

func TestGolden(t *testing.T) {
	t.Parallel()
	for name, rep := range goldenReports() {
		for ext, write := range map[string]func(*bytes.Buffer, *Report) error{
			".txt":  func(b *bytes.Buffer, r *Report) error { return Text(b, r) },
			".md":   func(b *bytes.Buffer, r *Report) error { return Markdown(b, r) },
			".json": func(b *bytes.Buffer, r *Report) error { return JSON(b, r) },
		} {
			var buf bytes.Buffer
			require.NoError(t, write(&buf, rep))
			path := filepath.Join("testdata", name+ext)
			if *update {
				require.NoError(t, os.WriteFile(path, buf.Bytes(), 0o644))
				continue
			}
			want, err := os.ReadFile(path)
			require.NoError(t, err, "run go test -update to create it")
			assert.Equal(t, string(want), buf.String(), path)
		}
	}
}

func TestGoldenVerdicts(t *testing.T) {
	t.Parallel()
	reps := goldenReports()
	assert.Equal(t, Fail, reps["files"].Verdict())
	assert.Equal(t, Warn, reps["ab"].Verdict())
	assert.Equal(t, []Key{{"io-bound", "loop"}}, reps["ab"].Unclear())
}

type failWriter struct{ n int }

func (w *failWriter) Write(p []byte) (int, error) {
	if w.n--; w.n < 0 {
		return 0, errors.New("disk full")
	}
	return len(p), nil
}

func TestWritersReturnWriteErrors(t *testing.T) {
	t.Parallel()
	rep := goldenReports()["files"]
	for _, n := range []int{0, 1, 3} {
		assert.ErrorContains(t, Text(&failWriter{n: n}, rep), "disk full", "after %d writes", n)
		assert.ErrorContains(t, Markdown(&failWriter{n: n}, rep), "disk full", "after %d writes", n)
		assert.ErrorContains(t, WriteNoise(&failWriter{n: n}, NoiseOf(rep), DefaultThresholds()), "disk full", "after %d writes", n)
	}
}
