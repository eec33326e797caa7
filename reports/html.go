package reports

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"io"
	"strings"

	"github.com/corobench/corobench/results"
)

// HTMLName is the file name of the HTML report, beside REPORT.md.
const HTMLName = "REPORT.html"

// HTML writes the report of f as one self-contained page: the markdown
// that Markdown writes, rendered as GitHub renders it (CommonMark with its
// tables; see mdHTML), every chart inlined as a data: URI. The page loads
// nothing from anywhere (its content security policy forbids it), so it
// opens from a CI artifact or a mail attachment in any browser. It returns
// the first write error.
func HTML(w io.Writer, f *results.File) error {
	a := analyze(f)
	var md strings.Builder
	if err := a.markdown(&md); err != nil {
		return err
	}
	svgs := map[string]string{}
	for _, c := range a.charts() {
		var b bytes.Buffer
		if err := c.WriteSVG(&b); err != nil {
			return err
		}
		svgs[ChartDir+"/"+c.Name] = "data:image/svg+xml;base64," + base64.StdEncoding.EncodeToString(b.Bytes())
	}
	body := markdownHTML(md.String(), func(dest string) string {
		if uri, ok := svgs[dest]; ok {
			return uri
		}
		return htmlEscape(dest)
	})
	if _, err := io.WriteString(w, htmlHead+body+htmlFoot); err != nil {
		return fmt.Errorf("reports: html: %w", err)
	}
	return nil
}

// htmlHead and htmlFoot wrap the rendered markdown: styled roughly as
// GitHub shows markdown, readable printed.
const htmlHead = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'unsafe-inline'">
<title>corobench report</title>
<style>
body{font:14px/1.5 -apple-system,"Segoe UI",Helvetica,Arial,sans-serif;max-width:1012px;margin:24px auto;padding:0 16px;color:#1f2328}
h1,h2{border-bottom:1px solid #d1d9e0;padding-bottom:.3em}
table{border-collapse:collapse;margin:12px 0;display:block;overflow:auto;font-variant-numeric:tabular-nums}
th,td{border:1px solid #d1d9e0;padding:4px 10px}
tr:nth-child(2n){background:#f6f8fa}
code{background:#eff1f3;padding:.1em .3em;border-radius:4px;font-size:85%}
blockquote{border-left:4px solid #9a6700;margin:0;padding:0 12px;color:#59636e}
img{max-width:100%;height:auto}
</style>
</head>
<body>
`

const htmlFoot = `</body>
</html>
`
