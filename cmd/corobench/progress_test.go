package main

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/corobench/corobench/harness"
	"github.com/corobench/corobench/loadgen"
	"github.com/corobench/corobench/results"
)

func TestCutRunes(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in   string
		n    int
		want string
	}{
		{in: "abc", n: 5, want: "abc"},
		{in: "abc", n: 3, want: "abc"},
		{in: "abcdef", n: 3, want: "abc"},
		{in: "a — b", n: 3, want: "a —"},
		{in: "|███  |", n: 4, want: "|███"},
		{in: "abc", n: 0, want: ""},
	} {
		assert.Equal(t, tc.want, cutRunes(tc.in, tc.n), "cutRunes(%q, %d)", tc.in, tc.n)
	}
}

func TestSuiteLine(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name        string
		done, total int
		want        string
	}{
		{name: "none", done: 0, total: 4, want: "0/4 |" + strings.Repeat(" ", 20) + "| x"},
		{name: "half", done: 2, total: 4, want: "2/4 |" + strings.Repeat("█", 10) + strings.Repeat(" ", 10) + "| x"},
		{name: "all", done: 4, total: 4, want: "4/4 |" + strings.Repeat("█", 20) + "| x"},
		{name: "empty suite", done: 0, total: 0, want: "0/0 |" + strings.Repeat(" ", 20) + "| x"},
	} {
		assert.Equal(t, tc.want, suiteLine(tc.done, tc.total, "x"), tc.name)
	}
}

func TestLoadLine(t *testing.T) {
	t.Parallel()
	got := loadLine(loadgen.Progress{Elapsed: 3 * time.Second, Interval: time.Second, Requests: 1500, Errors: 2, P99: 4 * time.Millisecond})
	assert.Equal(t, "    3s       1500 req/s  p99 4ms        2 errors", got)
	chat := loadLine(loadgen.Progress{Elapsed: 3 * time.Second, Interval: time.Second, Requests: 24000, P99: 4 * time.Millisecond, Owed: 24500})
	assert.Equal(t, "    3s      24000 deliveries/s of 24500 owed  delivery p99 4ms        0 errors", chat)
}

// fixedLine is a live line on buf as wide as a terminal of cols columns.
func fixedLine(buf *bytes.Buffer, cols int) *liveLine {
	return &liveLine{w: buf, cols: func() int { return cols }}
}

func TestLiveLine(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	l := fixedLine(&buf, 6)
	l.clear() // nothing shown yet: writes nothing
	assert.Empty(t, buf.String())
	l.show("abcdefgh") // cut to 5 columns: the cursor must not wrap
	l.show("xy")
	l.clear()
	l.clear()
	assert.Equal(t, "\r\033[Kabcde\r\033[Kxy\r\033[K", buf.String())

	buf.Reset()
	unknown := fixedLine(&buf, 0) // width unknown: nothing is cut
	unknown.show("abcdefgh")
	assert.Equal(t, "\r\033[Kabcdefgh", buf.String())
}

func TestNewLiveLineNotATerminal(t *testing.T) {
	t.Parallel()
	assert.Nil(t, newLiveLine(&bytes.Buffer{}))
}

func suiteOf(t *testing.T) []*harness.Scenario {
	t.Helper()
	s, err := harness.Parse("s.yaml", []byte("name: s\ntargets: [loop, goroutine]\nload: {duration: 1s}\nrequests: [{path: /health}]\n"))
	require.NoError(t, err)
	return []*harness.Scenario{s}
}

func TestSuiteProgressPlain(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	p := newProgress(&buf, suiteOf(t))
	require.Nil(t, p.line)
	p.Begin("s", "loop", 1, 1)
	p.End(results.Run{Target: "loop", Rep: 1, Error: "boom"})
	p.finish()
	lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	require.Len(t, lines, 2)
	assert.True(t, strings.HasPrefix(lines[0], "[1/2] s / loop / rep 1 of 1 — "), lines[0])
	assert.Equal(t, "   s / loop / rep 1: boom", lines[1])
}

func TestSuiteProgressLive(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	p := newProgress(&buf, suiteOf(t))
	p.line = fixedLine(&buf, 200)
	p.Begin("s", "loop", 1, 1)
	p.End(results.Run{Target: "loop", Rep: 1, Error: "boom"})
	p.finish()
	out := buf.String()
	// The bar at 0 of 2, then the run's line printed above the bar at 1 of
	// 2 with the same description, then the bar cleared.
	before, after, ok := strings.Cut(out, "\r\033[Ks / loop / rep 1: boom\n")
	require.True(t, ok, "%q", out)
	assert.True(t, strings.HasPrefix(before, "\r\033[K0/2 |"+strings.Repeat(" ", 20)+"| s / loop / rep 1 of 1 — "), "%q", before)
	assert.True(t, strings.HasPrefix(after, "\r\033[K1/2 |"+strings.Repeat("█", 10)+strings.Repeat(" ", 10)+"| s / loop / rep 1 of 1 — "), "%q", after)
	assert.True(t, strings.HasSuffix(after, "\r\033[K"), "%q", after)
}
