package reports

import (
	"bytes"
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
