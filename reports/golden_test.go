package reports

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/corobench/corobench/results"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite testdata/results.json and the golden reports from the fixture")

// golden compares got with the file at path, or rewrites it under -update.
func golden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
		require.NoError(t, os.WriteFile(path, got, 0o644))
		return
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test ./reports -update to create it")
	assert.Equal(t, string(want), string(got), "%s differs; if the change is meant, run go test ./reports -update and review the diff", path)
}

// fixtureFile is the fixture as read back from testdata/results.json, so
// the golden test also covers the file format's round trip.
func fixtureFile(t *testing.T) *results.File {
	t.Helper()
	path := filepath.Join("testdata", "results.json")
	if *update {
		require.NoError(t, results.WriteFile(path, fixture()))
	}
	f, err := results.ReadFile(path)
	require.NoError(t, err)
	return f
}

// TestFixtureIsReproducible: the committed results file is exactly what
// the fixture code builds, so the testdata can be read as code.
func TestFixtureIsReproducible(t *testing.T) {
	f := fixtureFile(t)
	var a, b bytes.Buffer
	require.NoError(t, Markdown(&a, f))
	require.NoError(t, Markdown(&b, fixture()))
	assert.Equal(t, a.String(), b.String())
}

func TestGoldenReport(t *testing.T) {
	f := fixtureFile(t)
	var md bytes.Buffer
	require.NoError(t, Markdown(&md, f))
	golden(t, filepath.Join("testdata", "golden", "REPORT.md"), md.Bytes())
	for _, c := range Charts(f) {
		var svg bytes.Buffer
		require.NoError(t, c.WriteSVG(&svg))
		golden(t, filepath.Join("testdata", "golden", ChartDir, c.Name), svg.Bytes())
		assert.Less(t, svg.Len(), 64<<10, "%s is too large", c.Name)
		assert.Contains(t, md.String(), "]("+ChartDir+"/"+c.Name+")", "%s is not linked", c.Name)
	}
	var js bytes.Buffer
	require.NoError(t, WriteJSON(&js, f))
	golden(t, filepath.Join("testdata", "golden", "summary.json"), js.Bytes())
}

// TestRenderIsDeterministic renders twice in one process: map order, or
// anything else left to chance, would show as a difference.
func TestRenderIsDeterministic(t *testing.T) {
	t.Parallel()
	f := fixture()
	render := func() string {
		var b bytes.Buffer
		require.NoError(t, Markdown(&b, f))
		for _, c := range Charts(f) {
			require.NoError(t, c.WriteSVG(&b))
		}
		require.NoError(t, WriteJSON(&b, f))
		return b.String()
	}
	first := render()
	for range 3 {
		assert.Equal(t, first, render())
	}
}
