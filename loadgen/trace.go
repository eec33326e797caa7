package loadgen

import (
	"bufio"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"
)

// TraceEntry is one request of a replayed trace: what to send, and when,
// as time since the start of the run.
type TraceEntry struct {
	At      time.Duration
	Request Request
}

// MaxTraceLine bounds one line of a trace file.
const MaxTraceLine = 64 << 10

// ParseTrace reads a trace: one request a line, "OFFSET METHOD PATH", where
// OFFSET is the time since the start as a Go duration ("1.5s", "250ms") or
// in seconds ("0.25"). Blank lines and lines starting with # are skipped.
// Offsets must not decrease. An error names the line.
func ParseTrace(r io.Reader) ([]TraceEntry, error) {
	var entries []TraceEntry
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), MaxTraceLine)
	line := 0
	for sc.Scan() {
		line++
		text := strings.TrimSpace(sc.Text())
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		f := strings.Fields(text)
		if len(f) != 3 {
			return nil, fmt.Errorf("loadgen: trace line %d: want OFFSET METHOD /PATH, got %q", line, text)
		}
		at, err := parseOffset(f[0])
		if err != nil {
			return nil, fmt.Errorf("loadgen: trace line %d: offset %q: %w", line, f[0], err)
		}
		if n := len(entries); n > 0 && at < entries[n-1].At {
			return nil, fmt.Errorf("loadgen: trace line %d: offset %s is before the previous line's %s", line, at, entries[n-1].At)
		}
		req, err := ParseRequest(f[1] + " " + f[2])
		if err != nil {
			return nil, fmt.Errorf("loadgen: trace line %d: %w", line, err)
		}
		entries = append(entries, TraceEntry{At: at, Request: req})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("loadgen: trace line %d: %w", line+1, err)
	}
	return entries, nil
}

func parseOffset(s string) (time.Duration, error) {
	if f, err := strconv.ParseFloat(s, 64); err == nil {
		if f < 0 || f > 1e9 {
			return 0, fmt.Errorf("out of range")
		}
		return seconds(f), nil
	}
	d, err := time.ParseDuration(s)
	if err == nil && d < 0 {
		err = fmt.Errorf("negative")
	}
	return d, err
}

// trace is the Scheduler of a replay: each entry at its own offset.
type trace []TraceEntry

func (t trace) Pace(elapsed time.Duration, sent uint64) (time.Duration, bool) {
	return pace(t, elapsed, sent)
}

func (t trace) Due(n uint64) (time.Duration, bool) {
	if n >= uint64(len(t)) {
		return 0, false
	}
	return t[n].At, true
}

func (t trace) Hits(elapsed time.Duration) float64 {
	return float64(sort.Search(len(t), func(i int) bool { return t[i].At >= elapsed }))
}
