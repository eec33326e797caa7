package reports

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
)

var htmlOut = flag.String("html", "", "also write the golden report, rendered as GFM, to this HTML file (for a browser screenshot)")

// page wraps rendered markdown in a page styled roughly as GitHub shows it.
const page = `<!doctype html><meta charset="utf-8"><title>REPORT.md</title>
<style>body{font:14px/1.5 -apple-system,"Segoe UI",Helvetica,Arial,sans-serif;max-width:1012px;margin:24px auto;color:#1f2328}
table{border-collapse:collapse;margin:12px 0;display:block;overflow:auto}th,td{border:1px solid #d1d9e0;padding:4px 10px}
tr:nth-child(2n){background:#f6f8fa}code{background:#eff1f3;padding:.1em .3em;border-radius:4px;font-size:85%}
blockquote{border-left:4px solid #9a6700;margin:0;padding:0 12px;color:#59636e}img{max-width:100%}h2{border-bottom:1px solid #d1d9e0}</style>
`

// TestGoldenRendersAsGFM renders the golden report with a CommonMark + GFM
// renderer (goldmark, with GitHub's table and strikethrough extensions) and
// checks that what a reader sees is what was meant: every table is a
// table with as many cells in each row as in its heading, no table line
// fell through into a paragraph, and every image is a chart that exists.
func TestGoldenRendersAsGFM(t *testing.T) {
	t.Parallel()
	src, err := os.ReadFile(filepath.Join("testdata", "golden", "REPORT.md"))
	require.NoError(t, err)
	var html bytes.Buffer
	require.NoError(t, goldmark.New(goldmark.WithExtensions(extension.GFM)).Convert(src, &html))
	out := html.String()
	if *htmlOut != "" {
		require.NoError(t, os.WriteFile(*htmlOut, []byte(page+out), 0o644))
	}

	mdTables := strings.Count(string(src), "\n|---|")
	htmlTables := regexp.MustCompile(`(?s)<table>.*?</table>`).FindAllString(out, -1)
	assert.Equal(t, mdTables, len(htmlTables), "every markdown table renders as a table")
	for _, tb := range htmlTables {
		heads := len(regexp.MustCompile(`<th[ >]`).FindAllString(tb, -1))
		require.Positive(t, heads)
		for _, row := range regexp.MustCompile(`(?s)<tbody>.*?</tbody>`).FindAllString(tb, -1) {
			for _, tr := range regexp.MustCompile(`(?s)<tr>.*?</tr>`).FindAllString(row, -1) {
				assert.Equal(t, heads, len(regexp.MustCompile(`<td[ >]`).FindAllString(tr, -1)), "row %s", tr)
			}
		}
	}
	for _, p := range regexp.MustCompile(`(?s)<p>(.*?)</p>`).FindAllStringSubmatch(out, -1) {
		assert.False(t, strings.HasPrefix(p[1], "|"), "a table line rendered as text: %s", p[1])
		assert.NotContains(t, p[1], "**", "unbalanced bold: %s", p[1])
	}
	images := regexp.MustCompile(`<img src="([^"]+)"`).FindAllStringSubmatch(out, -1)
	assert.NotEmpty(t, images)
	for _, img := range images {
		assert.FileExists(t, filepath.Join("testdata", "golden", img[1]))
	}
	// The warning links to the caveats heading, whose GitHub anchor is #caveats.
	assert.Contains(t, out, `<a href="#caveats">`)
	assert.Contains(t, out, "<h2>Caveats</h2>")
}
