package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fixtureResults is the reports package's fixture: every kind of scenario,
// failures and warnings.
const fixtureResults = "../../reports/testdata/results.json"

func TestReportWritesMarkdownAndCharts(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	var stdout, stderr bytes.Buffer
	require.NoError(t, run(context.Background(), []string{"report", "-o", dir, fixtureResults}, nil, &stdout, &stderr))
	assert.Contains(t, stdout.String(), filepath.Join(dir, "REPORT.md"))
	md, err := os.ReadFile(filepath.Join(dir, "REPORT.md"))
	require.NoError(t, err)
	want, err := os.ReadFile("../../reports/testdata/golden/REPORT.md")
	require.NoError(t, err)
	assert.Equal(t, string(want), string(md), "the command writes the golden report")
	charts, err := filepath.Glob(filepath.Join(dir, "charts", "*.svg"))
	require.NoError(t, err)
	assert.NotEmpty(t, charts)
	for _, c := range charts {
		assert.Contains(t, string(md), "(charts/"+filepath.Base(c)+")")
	}
	page, err := os.ReadFile(filepath.Join(dir, "REPORT.html"))
	require.NoError(t, err)
	assert.Equal(t, len(charts), strings.Count(string(page), `<img src="data:image/svg+xml;base64,`), "every chart inlined")
	assert.NotContains(t, string(page), `src="charts/`, "nothing to fetch")

	// Rendering again gives the same bytes.
	require.NoError(t, run(context.Background(), []string{"report", "-o", dir, fixtureResults}, nil, &stdout, &stderr))
	again, err := os.ReadFile(filepath.Join(dir, "REPORT.md"))
	require.NoError(t, err)
	assert.Equal(t, string(md), string(again))
}

func TestReportFormats(t *testing.T) {
	t.Parallel()
	var stdout, stderr bytes.Buffer
	require.NoError(t, run(context.Background(), []string{"report", "-format", "json", fixtureResults}, nil, &stdout, &stderr))
	var summary map[string]any
	require.NoError(t, json.Unmarshal(stdout.Bytes(), &summary))
	assert.Contains(t, summary, "scenarios")

	stdout.Reset()
	require.NoError(t, run(context.Background(), []string{"report", "-format", "bench", fixtureResults}, nil, &stdout, &stderr))
	assert.Contains(t, stdout.String(), "Unit req/s better=higher")

	err := error(nil)

	err = run(context.Background(), []string{"report", "-format", "pdf", fixtureResults}, nil, &stdout, &stderr)
	assert.ErrorIs(t, err, errUsage)

	err = run(context.Background(), []string{"report", filepath.Join(t.TempDir(), "missing.json")}, nil, &stdout, &stderr)
	assert.Error(t, err)
}
