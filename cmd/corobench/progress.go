package main

import (
	"fmt"
	"io"
	"os"
	"time"

	"github.com/corobench/corobench/loadgen"
)

// isTerminal reports whether w is a terminal, where a progress line helps.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// progressLine rewrites one stderr line a second: elapsed, req/s, p99, errors.
type progressLine struct {
	w     io.Writer
	shown bool
}

func (p *progressLine) show(pr loadgen.Progress) {
	rate := 0.0
	if pr.Interval > 0 {
		rate = float64(pr.Requests) / pr.Interval.Seconds()
	}
	fmt.Fprintf(p.w, "\r\033[K%6s  %9.0f req/s  p99 %-9s  %d errors", pr.Elapsed.Round(time.Second), rate, pr.P99, pr.Errors)
	p.shown = true
}

func (p *progressLine) clear() {
	if p.shown {
		fmt.Fprint(p.w, "\r\033[K")
	}
}
