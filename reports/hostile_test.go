package reports

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"

	"github.com/corobench/corobench/results"
)

// Names that came from a user (a scenario file, a target's command) cannot
// inject markdown or HTML into the report, in any position: a line break
// in a name does not end the code span it is in.
func TestNamesCannotInjectMarkup(t *testing.T) {
	t.Parallel()
	const evil = "srv\n\n<script>alert(1)</script>\n\n# owned"
	s := throughputScenario("names", "a target with a hostile name", results.ModeClosed, 1000, 0, 1, 2, 1,
		[]perf{{model: "loop", rate: 900, p50: 1000, sigma: 0.1, cpu: 1000, rss: 10, threads: 3, procs: 1, par: 1},
			{model: evil, rate: 800, p50: 1200, sigma: 0.1, cpu: 1100, rss: 10, threads: 3, procs: 1, par: 1}})
	s.Runs[1].Warnings = []string{"warned\n\n<img src=x onerror=alert(1)>"}
	f := &results.File{Version: results.Version, Scenarios: []results.Scenario{s}}
	var md bytes.Buffer
	require.NoError(t, Markdown(&md, f))
	var html bytes.Buffer
	require.NoError(t, goldmark.New(goldmark.WithExtensions(extension.GFM)).Convert(md.Bytes(), &html))
	assert.NotContains(t, html.String(), "<script>")
	assert.NotContains(t, html.String(), "<img src=\"x\"")
	assert.NotContains(t, html.String(), "<h1>owned</h1>")
	assert.NotContains(t, md.String(), "\n# owned")

	assert.Equal(t, "`a b`", code("a\nb"))
	assert.Equal(t, "`x y`", code("  x \t\r\n y "))
}

// Scenarios whose names make the same file name get charts of their own:
// "x", "x" and "x-2" do not share one.
func TestChartNamesAreUnique(t *testing.T) {
	t.Parallel()
	models := []perf{{model: "loop", rate: 900, p50: 1000, sigma: 0.1, cpu: 1000, rss: 10, threads: 3, procs: 1, par: 1}}
	f := &results.File{Version: results.Version}
	for _, name := range []string{"x", "x", "x-2", "X 2"} {
		f.Scenarios = append(f.Scenarios, throughputScenario(name, "", results.ModeClosed, 1000, 0, 1, 2, 1, models))
	}
	seen := map[string]bool{}
	charts := Charts(f)
	require.NotEmpty(t, charts)
	for _, c := range charts {
		assert.False(t, seen[c.Name], "chart %s made twice", c.Name)
		seen[c.Name] = true
	}
	var md bytes.Buffer
	require.NoError(t, Markdown(&md, f))
	for name := range seen {
		assert.Equal(t, 1, strings.Count(md.String(), "charts/"+name+")"), "%s linked once", name)
	}
}
