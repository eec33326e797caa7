package reports

import (
	"bytes"
	"encoding/base64"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/corobench/corobench/results"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
)

// TestHTMLIsTheReport: the page is the markdown report, rendered, with
// every chart inlined byte for byte and nothing to fetch.
func TestHTMLIsTheReport(t *testing.T) {
	t.Parallel()
	f := fixture()
	var md, page bytes.Buffer
	require.NoError(t, Markdown(&md, f))
	require.NoError(t, HTML(&page, f))
	out := page.String()

	assert.Equal(t, strings.Count(md.String(), "\n|---|"), strings.Count(out, "<table>"), "every table")
	assert.Equal(t, strings.Count(md.String(), "\n## "), strings.Count(out, "<h2 "), "every section")
	assert.Contains(t, out, `<h2 id="caveats">Caveats</h2>`)
	assert.Contains(t, out, `<a href="#caveats">`, "the warning links to the caveats")

	charts := Charts(f)
	srcs := regexp.MustCompile(`<img src="([^"]*)" alt="([^"]*)">`).FindAllStringSubmatch(out, -1)
	require.Len(t, srcs, len(charts), "one image per chart")
	for i, c := range charts {
		data, ok := strings.CutPrefix(srcs[i][1], "data:image/svg+xml;base64,")
		require.True(t, ok, "%s is inlined", c.Name)
		svg, err := base64.StdEncoding.DecodeString(data)
		require.NoError(t, err)
		var want bytes.Buffer
		require.NoError(t, c.WriteSVG(&want))
		assert.Equal(t, want.String(), string(svg), "%s is the chart", c.Name)
		assert.Equal(t, c.Title, srcs[i][2])
	}
	for _, attr := range regexp.MustCompile(`(?:src|href)="([^"]*)"`).FindAllStringSubmatch(out, -1) {
		assert.True(t, strings.HasPrefix(attr[1], "data:") || strings.HasPrefix(attr[1], "#"), "nothing to fetch: %.60s", attr[1])
	}
	assert.Contains(t, out, `content="default-src 'none'; img-src data:; style-src 'unsafe-inline'"`)

	var again bytes.Buffer
	require.NoError(t, HTML(&again, f))
	assert.Equal(t, out, again.String(), "the same bytes every time")
}

// TestHTMLMatchesGoldmark: the report's markdown, rendered by the
// report's own renderer, is byte for byte what goldmark (CommonMark, GitHub's
// extensions, automatic heading ids) makes of it: the HTML report shows
// what GitHub shows.
func TestHTMLMatchesGoldmark(t *testing.T) {
	t.Parallel()
	gm := goldmark.New(goldmark.WithExtensions(extension.GFM), goldmark.WithParserOptions(parser.WithAutoHeadingID()))
	files := map[string]*results.File{"fixture": fixture()}
	for name, f := range oddFiles() {
		files[name] = f
	}
	quirks := fixture()
	quirks.Scenarios[0].Name = "CPU *bound* & [more] <b> | pipes \\ back `tick` _under_"
	quirks.Scenarios[0].Description = "A line with **stars**, `code`, a \\ backslash, <html> & \"quotes\", # hash, 100% and a_b."
	quirks.Scenarios[1].Name = quirks.Scenarios[0].Name // a repeated heading
	files["quirks"] = quirks
	for name, f := range files {
		var md bytes.Buffer
		require.NoError(t, Markdown(&md, f), name)
		var want bytes.Buffer
		require.NoError(t, gm.Convert(md.Bytes(), &want), name)
		got := markdownHTML(md.String(), htmlEscape)
		assert.Equal(t, want.String(), got, name)
	}
}

// FuzzMarkdownHTML: the renderer ends on any input without a panic, and
// text that escape made safe reads back as the same text, as goldmark
// reads it.
func FuzzMarkdownHTML(f *testing.F) {
	for _, s := range []string{"*a `b*` c*", "**x** *y* `z`", "[l](#c) ![i](charts/x.svg)", "| a | b |\n|---|--:|\n| 1 | \\| |", "> q\n- l\n---\n# h", "\\", "`", "![", "[x](", "**"} {
		f.Add(s)
	}
	gm := goldmark.New(goldmark.WithExtensions(extension.GFM))
	f.Fuzz(func(t *testing.T, s string) {
		_ = markdownHTML(s, htmlEscape)
		text := strings.Join(strings.Fields(s), " ")
		if text == "" || !utf8.ValidString(text) || strings.ContainsAny(text, "&|~") || startsBlock(text) {
			return // entities, table cells, strikethrough and block starts are not escape's job
		}
		var want bytes.Buffer
		require.NoError(t, gm.Convert([]byte(escape(text)), &want))
		assert.Equal(t, want.String(), markdownHTML(escape(text), htmlEscape))
	})
}

// startsBlock reports whether a line of text would begin a block other
// than a paragraph (a list, a rule, a heading underline …).
func startsBlock(s string) bool {
	return regexp.MustCompile(`^(?:[-+=~]|\d+[.)]|\*\s|_)`).MatchString(s) || strings.Trim(s, "*-_ ") == ""
}
