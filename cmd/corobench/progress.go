package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/term"

	"github.com/corobench/corobench/loadgen"
)

// liveLine is corobench's one progress display: a single line on a
// terminal, rewritten in place (carriage return, erase to the end of the
// line) and cut to the terminal's width so that it never wraps. Lines
// printed while it shows go above it: clear, print, show again.
type liveLine struct {
	w     io.Writer
	cols  func() int // the terminal's width; 0 when unknown
	shown bool
}

// newLiveLine returns a live line on w, or nil when w is not a terminal:
// redirected output gets plain lines, not carriage returns.
func newLiveLine(w io.Writer) *liveLine {
	f, ok := w.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return nil
	}
	return &liveLine{w: w, cols: func() int {
		cols, _, err := term.GetSize(int(f.Fd()))
		if err != nil {
			return 0
		}
		return cols
	}}
}

// show replaces the line with text, cut to the terminal's width (one column
// spare, so the cursor never wraps).
func (l *liveLine) show(text string) {
	if cols := l.cols(); cols > 1 {
		text = cutRunes(text, cols-1)
	}
	fmt.Fprintf(l.w, "\r\033[K%s", text)
	l.shown = true
}

// clear erases the line, if it shows.
func (l *liveLine) clear() {
	if l.shown {
		fmt.Fprint(l.w, "\r\033[K")
		l.shown = false
	}
}

// cutRunes returns s cut to at most n runes. Every character corobench
// prints takes one column.
func cutRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	i := 0
	for j := range s {
		if i == n {
			return s[:j]
		}
		i++
	}
	return s
}

// loadLine is the live line of `corobench load`, one update a second:
// elapsed, req/s, p99, errors; in a chat room deliveries/s of those owed,
// a delivery's p99, and errors.
func loadLine(pr loadgen.Progress) string {
	rate := 0.0
	if pr.Interval > 0 {
		rate = float64(pr.Requests) / pr.Interval.Seconds()
	}
	if pr.Owed > 0 {
		return fmt.Sprintf("%6s  %9.0f deliveries/s of %.0f owed  delivery p99 %-9s  %d errors",
			pr.Elapsed.Round(time.Second), rate, pr.Owed, pr.P99, pr.Errors)
	}
	return fmt.Sprintf("%6s  %9.0f req/s  p99 %-9s  %d errors", pr.Elapsed.Round(time.Second), rate, pr.P99, pr.Errors)
}

// barWidth is the width of the suite's progress bar, in columns.
const barWidth = 20

// suiteLine is the live line of `corobench run`: runs done of total as a
// bar and a count, then what runs now. The bar comes first, so a narrow
// terminal cuts the description, not the count.
func suiteLine(done, total int, desc string) string {
	filled := 0
	if total > 0 {
		filled = min(barWidth, barWidth*done/total)
	}
	return fmt.Sprintf("%d/%d |%s%s| %s", done, total,
		strings.Repeat("█", filled), strings.Repeat(" ", barWidth-filled), desc)
}
