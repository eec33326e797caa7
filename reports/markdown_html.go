package reports

import (
	"fmt"
	"strings"
)

// mdHTML renders the report's markdown as HTML: the part of GitHub-flavoured
// markdown the report is written in (ATX headings, paragraphs, block
// quotes, bullet lists, tables, thematic breaks; code spans, strong and
// emphasis, links, images, backslash escapes), as goldmark renders it with
// its GFM extension and automatic heading ids — TestHTMLMatchesGoldmark
// holds the two to the same bytes. The binary does not link goldmark: its
// package initialisation costs every start of corobench about 7 ms of CPU
// (a third more), which the process model pays once per connection.
type mdHTML struct {
	b   strings.Builder
	ids map[string]int // heading ids given, and how many times
	// src is an image's src attribute, from its destination.
	src func(dest string) string
}

// markdownHTML renders md; src gives each image's src.
func markdownHTML(md string, src func(dest string) string) string {
	r := &mdHTML{ids: map[string]int{}, src: src}
	lines := strings.Split(strings.TrimRight(md, "\n"), "\n")
	for i := 0; i < len(lines); {
		i = r.block(lines, i)
	}
	return r.b.String()
}

// block renders the block that starts at lines[i] and returns the index of
// the line after it.
func (r *mdHTML) block(lines []string, i int) int {
	line := lines[i]
	switch {
	case strings.TrimSpace(line) == "":
		return i + 1
	case line == "---":
		r.b.WriteString("<hr>\n")
		return i + 1
	case headingLevel(line) > 0:
		n := headingLevel(line)
		text := strings.TrimSpace(line[n:])
		fmt.Fprintf(&r.b, "<h%d id=\"%s\">", n, r.id(text))
		r.inline(text)
		fmt.Fprintf(&r.b, "</h%d>\n", n)
		return i + 1
	case strings.HasPrefix(line, ">"):
		var quoted []string
		for ; i < len(lines) && strings.HasPrefix(lines[i], ">"); i++ {
			quoted = append(quoted, strings.TrimPrefix(strings.TrimPrefix(lines[i], ">"), " "))
		}
		r.b.WriteString("<blockquote>\n")
		for j := 0; j < len(quoted); {
			j = r.block(quoted, j)
		}
		r.b.WriteString("</blockquote>\n")
		return i
	case strings.HasPrefix(line, "- "):
		r.b.WriteString("<ul>\n")
		for ; i < len(lines) && strings.HasPrefix(lines[i], "- "); i++ {
			r.b.WriteString("<li>")
			r.inline(strings.TrimSpace(lines[i][2:]))
			r.b.WriteString("</li>\n")
		}
		r.b.WriteString("</ul>\n")
		return i
	case strings.HasPrefix(line, "|") && i+1 < len(lines) && isDelimiterRow(lines[i+1]):
		return r.table(lines, i)
	}
	start := i
	for i++; i < len(lines) && !interrupts(lines[i]); i++ {
	}
	r.b.WriteString("<p>")
	for j, l := range lines[start:i] {
		if j > 0 {
			r.b.WriteString("\n")
		}
		r.inline(strings.TrimSpace(l))
	}
	r.b.WriteString("</p>\n")
	return i
}

// interrupts reports whether line ends a paragraph before it.
func interrupts(line string) bool {
	return strings.TrimSpace(line) == "" || headingLevel(line) > 0 ||
		strings.HasPrefix(line, ">") || strings.HasPrefix(line, "- ")
}

// headingLevel is n for a line "#…# text" of n hashes, else 0.
func headingLevel(line string) int {
	n := 0
	for n < len(line) && line[n] == '#' {
		n++
	}
	if n == 0 || n > 6 || n == len(line) || line[n] != ' ' {
		return 0
	}
	return n
}

// id is a heading's id, as goldmark makes it from the heading's source
// text: its ASCII letters and digits in lower case, spaces, hyphens and
// underscores as hyphens, the rest left out; "-1", "-2" … after repeats.
func (r *mdHTML) id(text string) string {
	id := headingID(text)
	n, seen := r.ids[id]
	r.ids[id] = n + 1
	if seen {
		return fmt.Sprintf("%s-%d", id, n)
	}
	return id
}

// headingID is the id of a heading's source text, before a repeat is
// numbered: what a link to the heading names.
func headingID(text string) string {
	var b strings.Builder
	for i := 0; i < len(text); i++ {
		c := text[i]
		switch {
		case c >= 0x80:
		case c >= 'A' && c <= 'Z':
			b.WriteByte(c + 'a' - 'A')
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
			b.WriteByte(c)
		case c == ' ', c == '\t', c == '-', c == '_':
			b.WriteByte('-')
		}
	}
	if b.Len() == 0 {
		return "heading"
	}
	return b.String()
}

// isDelimiterRow reports whether line is a table's row of |---|--:|.
func isDelimiterRow(line string) bool {
	cells := splitRow(line)
	for _, c := range cells {
		c = strings.Trim(strings.TrimSpace(c), ":")
		if c == "" || strings.Trim(c, "-") != "" {
			return false
		}
	}
	return len(cells) > 0
}

// splitRow is a table row's cells: split at every | not escaped, the
// outer ones dropped.
func splitRow(line string) []string {
	line = strings.TrimSpace(line)
	line = strings.TrimPrefix(line, "|")
	if strings.HasSuffix(line, "|") && !strings.HasSuffix(line, `\|`) {
		line = line[:len(line)-1]
	}
	var cells []string
	var cell strings.Builder
	for i := 0; i < len(line); i++ {
		switch {
		case line[i] == '\\' && i+1 < len(line) && line[i+1] == '|':
			cell.WriteByte('|')
			i++
		case line[i] == '|':
			cells = append(cells, cell.String())
			cell.Reset()
		default:
			cell.WriteByte(line[i])
		}
	}
	return append(cells, cell.String())
}

// table renders the table that starts at lines[i].
func (r *mdHTML) table(lines []string, i int) int {
	head := splitRow(lines[i])
	var aligns []string
	for _, d := range splitRow(lines[i+1]) {
		d = strings.TrimSpace(d)
		switch l, rt := strings.HasPrefix(d, ":"), strings.HasSuffix(d, ":"); {
		case l && rt:
			aligns = append(aligns, ` style="text-align:center"`)
		case rt:
			aligns = append(aligns, ` style="text-align:right"`)
		case l:
			aligns = append(aligns, ` style="text-align:left"`)
		default:
			aligns = append(aligns, "")
		}
	}
	row := func(tag string, cells []string) {
		r.b.WriteString("<tr>\n")
		for k := range head {
			fmt.Fprintf(&r.b, "<%s%s>", tag, aligns[min(k, len(aligns)-1)])
			if k < len(cells) {
				r.inline(strings.TrimSpace(cells[k]))
			}
			fmt.Fprintf(&r.b, "</%s>\n", tag)
		}
		r.b.WriteString("</tr>\n")
	}
	r.b.WriteString("<table>\n<thead>\n")
	row("th", head)
	r.b.WriteString("</thead>\n")
	i += 2
	if i < len(lines) && strings.HasPrefix(lines[i], "|") {
		r.b.WriteString("<tbody>\n")
		for ; i < len(lines) && strings.HasPrefix(lines[i], "|"); i++ {
			row("td", splitRow(lines[i]))
		}
		r.b.WriteString("</tbody>\n")
	}
	r.b.WriteString("</table>\n")
	return i
}

// inline renders a span of text: escapes, code, emphasis, links, images.
func (r *mdHTML) inline(s string) {
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '\\' && i+1 < len(s) && isPunct(s[i+1]):
			r.text(s[i+1 : i+2])
			i += 2
		case c == '`':
			n := run(s, i, '`')
			if end := strings.Index(s[i+n:], s[i:i+n]); end >= 0 {
				r.b.WriteString("<code>")
				r.text(s[i+n : i+n+end])
				r.b.WriteString("</code>")
				i += 2*n + end
				continue
			}
			r.text(s[i : i+n])
			i += n
		case c == '*':
			n := min(run(s, i, '*'), 2)
			if end := closing(s, i+n, s[i:i+n]); end > i+n {
				tag := map[int]string{1: "em", 2: "strong"}[n]
				fmt.Fprintf(&r.b, "<%s>", tag)
				r.inline(s[i+n : end])
				fmt.Fprintf(&r.b, "</%s>", tag)
				i = end + n
				continue
			}
			r.text(s[i : i+n])
			i += n
		case c == '[' || (c == '!' && strings.HasPrefix(s[i:], "![")):
			image := c == '!'
			from := i + 1
			if image {
				from++
			}
			mid := closing(s, from, "](")
			end := -1
			if mid >= 0 {
				end = strings.IndexByte(s[mid+2:], ')')
			}
			if end < 0 {
				r.text(s[i:from])
				i = from
				continue
			}
			dest := s[mid+2 : mid+2+end]
			if image {
				fmt.Fprintf(&r.b, `<img src="%s" alt="`, r.src(dest))
				r.plain(s[from:mid])
				r.b.WriteString(`">`)
			} else {
				fmt.Fprintf(&r.b, `<a href="%s">`, htmlEscape(dest))
				r.inline(s[from:mid])
				r.b.WriteString("</a>")
			}
			i = mid + 2 + end + 1
		default:
			j := i + 1
			for j < len(s) && !strings.ContainsRune("\\`*[!", rune(s[j])) {
				j++
			}
			r.text(s[i:j])
			i = j
		}
	}
}

// plain renders a span as text alone (an image's alt text): the markup
// dropped, the escapes resolved.
func (r *mdHTML) plain(s string) {
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) && isPunct(s[i+1]) {
			i++
		} else if s[i] == '*' || s[i] == '`' {
			continue
		}
		r.text(s[i : i+1])
	}
}

func (r *mdHTML) text(s string) { r.b.WriteString(htmlEscape(s)) }

// closing is the index of the delimiter that closes a span opened before
// from, skipping escapes and code spans; -1 when none does.
func closing(s string, from int, delim string) int {
	for j := from; j < len(s); j++ {
		switch {
		case s[j] == '\\':
			j++
		case s[j] == '`' && delim != "`":
			n := run(s, j, '`')
			if end := strings.Index(s[j+n:], s[j:j+n]); end >= 0 {
				j += 2*n + end - 1
			}
		case strings.HasPrefix(s[j:], delim) && (delim[0] != '*' || run(s, j, '*') == len(delim) || len(delim) == 2):
			if delim[0] == '*' && (s[j-1] == ' ' || j == from) {
				continue // a closing * follows no space
			}
			return j
		}
	}
	return -1
}

// run is how many c begin s[i:].
func run(s string, i int, c byte) int {
	n := 0
	for i+n < len(s) && s[i+n] == c {
		n++
	}
	return n
}

func isPunct(c byte) bool { return strings.IndexByte("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~", c) >= 0 }

var htmlReplacer = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;", "\x00", "\uFFFD") // CommonMark: NUL is U+FFFD

func htmlEscape(s string) string { return htmlReplacer.Replace(s) }
