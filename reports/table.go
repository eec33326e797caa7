package reports

import (
	"strings"
)

// align is a column's alignment in a markdown table.
type align int

const (
	left align = iota
	right
)

// column is one column of a table: its heading and alignment.
type column struct {
	head  string
	align align
}

// table is a GitHub-flavoured markdown table, built row by row.
type table struct {
	cols []column
	rows [][]string
}

func newTable(cols ...column) *table { return &table{cols: cols} }

// l and r make left- and right-aligned columns.
func l(head string) column { return column{head, left} }
func r(head string) column { return column{head, right} }

// add appends a row; missing cells are dashes, extra cells are an error in
// the caller and are dropped.
func (t *table) add(cells ...string) {
	row := make([]string, len(t.cols))
	for i := range row {
		row[i] = dash
		if i < len(cells) && cells[i] != "" {
			row[i] = cells[i]
		}
	}
	t.rows = append(t.rows, row)
}

// String renders the table, one line per row, ending in a newline.
func (t *table) String() string {
	var b strings.Builder
	line := func(cells []string) {
		b.WriteString("|")
		for _, c := range cells {
			b.WriteString(" ")
			b.WriteString(cell(c))
			b.WriteString(" |")
		}
		b.WriteString("\n")
	}
	heads := make([]string, len(t.cols))
	rule := make([]string, len(t.cols))
	for i, c := range t.cols {
		heads[i] = c.head
		rule[i] = "---"
		if c.align == right {
			rule[i] = "--:"
		}
	}
	line(heads)
	b.WriteString("|")
	for _, x := range rule {
		b.WriteString(x + "|")
	}
	b.WriteString("\n")
	for _, row := range t.rows {
		line(row)
	}
	return b.String()
}

// cell makes text safe inside a table cell: pipes escaped, line breaks
// turned into spaces.
func cell(s string) string {
	s = strings.ReplaceAll(s, "|", `\|`)
	return strings.Join(strings.Fields(s), " ")
}

// escape makes free text safe in a markdown paragraph or list item: the
// characters markdown would read as markup are escaped.
func escape(s string) string {
	var b strings.Builder
	for _, c := range strings.Join(strings.Fields(s), " ") {
		switch c {
		case '\\', '`', '*', '_', '[', ']', '<', '>', '#':
			b.WriteByte('\\')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// bold marks a cell's text as bold.
func bold(s string) string { return "**" + s + "**" }

// code marks text as code, for names of models and files. Line breaks and
// runs of spaces become one space, as in a cell: a name cannot end the code
// span's paragraph and begin markdown or HTML of its own. Text with a
// backtick, which would end the span, is escaped instead.
func code(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if s == "" || strings.Contains(s, "`") {
		return escape(s)
	}
	return "`" + s + "`"
}
