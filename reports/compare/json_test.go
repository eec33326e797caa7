package compare

import (
	"bytes"
	"math"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/corobench/corobench/results"
)

// A report read back from its JSON is the report: every row, value,
// interval (open bounds and missing ones included), p-value, verdict,
// threshold and warning.
func TestJSONRoundTrip(t *testing.T) {
	t.Parallel()
	for name, rep := range goldenReports() {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			var first bytes.Buffer
			require.NoError(t, JSON(&first, rep))
			back, err := ReadJSON(bytes.NewReader(first.Bytes()))
			require.NoError(t, err)

			assert.Equal(t, rep.Paired, back.Paired)
			assert.Equal(t, rep.Verdict(), back.Verdict())
			assert.Equal(t, rep.Thresholds, back.Thresholds)
			assert.Equal(t, rep.Warnings, back.Warnings)
			require.Len(t, back.Rows, len(rep.Rows))
			for i, want := range rep.Rows {
				got := back.Rows[i]
				assert.Equal(t, want.Verdict, got.Verdict, "%s %s", want.Target, want.Metric)
				assert.Equal(t, want.Base.Values, got.Base.Values)
				assert.Equal(t, want.Head.Values, got.Head.Values)
				assert.Equal(t, want.TooFew, got.TooFew)
				for _, f := range [][2]float64{{want.Change, got.Change}, {want.Lo, got.Lo}, {want.Hi, got.Hi}, {want.P, got.P},
					{want.Base.Center, got.Base.Center}, {want.Head.Center, got.Head.Center}} {
					assert.True(t, f[0] == f[1] || math.IsNaN(f[0]) && math.IsNaN(f[1]), "%s %s: %v read back as %v", want.Target, want.Metric, f[0], f[1])
				}
			}
			var second bytes.Buffer
			require.NoError(t, JSON(&second, back))
			assert.Equal(t, first.String(), second.String(), "written again, byte for byte")
		})
	}
}

// Gates travel with the verdicts.
func TestJSONGates(t *testing.T) {
	t.Parallel()
	rep := goldenReports()["ab"]
	v := 0.0
	rep.Gates = []results.Gate{{Scenario: "io-bound", Target: "loop", Expect: "errors == 0", Value: &v, Runs: 10, Pass: true},
		{Scenario: "io-bound", Target: "loop", Expect: "cpu/req < 1ms", Runs: 0}}
	var buf bytes.Buffer
	require.NoError(t, JSON(&buf, rep))
	assert.Contains(t, buf.String(), `"value": null`, "a gate nothing measured")
	back, err := ReadJSON(&buf)
	require.NoError(t, err)
	assert.Equal(t, rep.Gates, back.Gates)
	var text bytes.Buffer
	require.NoError(t, Text(&text, rep))
	assert.Contains(t, text.String(), "expect:\n  io-bound / loop: errors == 0: PASS (errors 0, mean of 10 runs)\n  io-bound / loop: cpu/req < 1ms: FAIL (cpu/req not measured)\n")
	var md bytes.Buffer
	require.NoError(t, Markdown(&md, rep))
	assert.Contains(t, md.String(), "- io-bound / loop: cpu/req < 1ms: **FAIL** (cpu/req not measured)\n")
}

func TestJSONShape(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	require.NoError(t, JSON(&buf, goldenReports()["files"]))
	out := buf.String()
	for _, s := range []string{`"kind": "compare"`, `"verdict": "FAIL"`, `"metric": "req/s"`, `"better": "higher"`,
		`"too_few": 2`, `"interval": [`, `"FAIL": 3`} {
		assert.Contains(t, out, s)
	}
	assert.NotContains(t, out, "NaN")
	assert.NotContains(t, out, "Inf")
}

func TestReadJSONRejects(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		`{"version": 9}`: "version 9",
		`{"version": 1, "rows": [{"metric": "req/s", "verdict": "MAYBE"}]}`: `unknown verdict "MAYBE"`,
		`{"version": 1, "rows": [{"metric": "req/s", "interval": [1]}]}`:    "two bounds",
		`[`: "read JSON",
	} {
		_, err := ReadJSON(strings.NewReader(in))
		require.Error(t, err, in)
		assert.Contains(t, err.Error(), want)
	}
}
