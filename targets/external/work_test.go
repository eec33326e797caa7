package external_test

import (
	"fmt"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/corobench/corobench/targets/external"
	"github.com/corobench/corobench/work"
)

// snippet runs a few lines of a peer's language, with the peer's modules
// importable, and returns what they print.
func snippet(t *testing.T, lang, code string) string {
	t.Helper()
	var cmd *exec.Cmd
	switch lang {
	case "python":
		cmd = exec.Command(external.Python, "-B", "-c", "import sys; sys.path.insert(0, 'python')\nimport corobench_proto as p\n"+code)
	case "node":
		cmd = exec.Command(external.Node, "-e", "const p = require('./node/server.js');\n"+code)
	}
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s", out)
	return strings.TrimSpace(string(out))
}

// languages are the peers' languages whose interpreter is installed.
func languages(t *testing.T) []string {
	var langs []string
	for _, l := range []struct{ name, path string }{{"python", external.Python}, {"node", external.Node}} {
		if _, err := exec.LookPath(l.path); err != nil {
			t.Logf("skip %s: %s not installed", l.name, l.path)
			continue
		}
		langs = append(langs, l.name)
	}
	if len(langs) == 0 {
		t.Skip("neither Python nor Node is installed")
	}
	return langs
}

// Each language's unit of work is Go's: the same checksums for the same
// units, and the same rounding of µs to units.
func TestWorkMatchesGo(t *testing.T) {
	t.Parallel()
	units := []uint64{0, 1, 2, 3, 100, 12345, 1 << 20}
	rates := []struct {
		rate work.Rate
		us   int64
	}{{2.5, 1}, {0.5, 1}, {1.5, 3}, {7.3, 333}, {512.123, 1000}, {1234.5678, 1_000_000}}
	var wantSums, wantUnits []string
	for _, u := range units {
		wantSums = append(wantSums, strconv.FormatUint(uint64(work.Spin(u)), 10))
	}
	for _, r := range rates {
		wantUnits = append(wantUnits, strconv.FormatUint(r.rate.Units(r.us), 10))
	}
	list := func(f func(i int) string, n int) string {
		s := make([]string, n)
		for i := range n {
			s[i] = f(i)
		}
		return strings.Join(s, ", ")
	}
	unitList := list(func(i int) string { return fmt.Sprint(units[i]) }, len(units))
	rateList := list(func(i int) string { return fmt.Sprintf("[%v, %d]", float64(rates[i].rate), rates[i].us) }, len(rates))
	code := map[string]string{
		"python": fmt.Sprintf("print(*[p.spin(u) for u in [%s]])\nprint(*[p.App('x', r).units(us) for r, us in [%s]])", unitList, rateList),
		"node":   fmt.Sprintf("console.log([%s].map(p.spin).join(' '));\nconsole.log([%s].map(([r, us]) => p.units(r, us)).join(' '))", unitList, rateList),
	}
	for _, lang := range languages(t) {
		t.Run(lang, func(t *testing.T) {
			t.Parallel()
			lines := strings.Split(snippet(t, lang, code[lang]), "\n")
			require.Len(t, lines, 2)
			assert.Equal(t, strings.Join(wantSums, " "), lines[0], "checksums of %v units", units)
			assert.Equal(t, strings.Join(wantUnits, " "), lines[1], "units of %v", rates)
		})
	}
}

// How close each language's unit of work is to Go's in time: the rates the
// peers calibrate, next to Go's, measured one after the other. Logged, not
// asserted: it depends on the machine and on its load.
func TestCalibratedRates(t *testing.T) {
	if testing.Short() {
		t.Skip("measures for a second")
	}
	goRate := work.Calibrate(200 * time.Millisecond)
	code := map[string]string{
		"python": "print(p.calibrate(0.2))",
		"node":   "console.log(p.calibrate(200))",
	}
	for _, lang := range languages(t) {
		out := snippet(t, lang, code[lang])
		rate, err := strconv.ParseFloat(out, 64)
		require.NoError(t, err, "%s printed %q", lang, out)
		require.Positive(t, rate)
		t.Logf("%-6s %8.1f units/µs, Go %8.1f units/µs: a unit takes %.2f× Go's time", lang, rate, float64(goRate), float64(goRate)/rate)
	}
}
