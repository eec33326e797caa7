// Package procstat samples a process tree from /proc: CPU time (reaped
// children included), RSS and PSS, threads, processes, context switches,
// time spent waiting for a CPU and open files. A Watcher takes samples on a ticker and folds them into the
// totals and peaks of a results.Resources; the parsers of /proc files are
// pure functions.
package procstat

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/corobench/corobench/results"
)

// DefaultInterval is the time between two samples: 10 Hz.
const DefaultInterval = 100 * time.Millisecond

// ErrUnsupported is returned where there is no /proc to read.
var ErrUnsupported = errors.New("procstat: process sampling needs Linux /proc")

// clockTicks is USER_HZ, the unit of CPU times in /proc/PID/stat: 100 on
// every Linux ABI.
const clockTicks = 100

// Tree is one sample of a whole process tree.
type Tree struct {
	// User and Sys are CPU time of the live processes plus the children
	// they have reaped.
	User, Sys time.Duration
	// RSS and PSS are bytes; PSS shares a shared page among its sharers.
	RSS, PSS    int64
	Threads     int
	Processes   int
	FDs         int
	Voluntary   int64 // context switches of the threads alive now
	Involuntary int64
	// Waited is how long the threads alive now have been runnable but not
	// running: waiting in a run queue for a CPU (/proc/PID/task/TID/schedstat).
	Waited time.Duration
	// switches is per thread (by tid): voluntary and involuntary switches,
	// and nanoseconds waited, so a Watcher can keep the counts of threads
	// that end between samples.
	switches map[int]counts
}

// counts is one thread's voluntary and involuntary context switches, and
// the nanoseconds it waited for a CPU.
type counts [3]int64

// Watcher folds samples of the tree rooted at one process into totals and
// peaks. Its methods are safe for concurrent use.
type Watcher struct {
	root int

	mu       sync.Mutex
	base     Tree // the sample at Mark: CPU is counted from here
	last     Tree
	peak     results.Resources
	switches map[int]counts // the highest counts seen per thread since Mark
	start    map[int]counts // counts per thread at Mark
	err      error
}

// NewWatcher watches the tree rooted at pid.
func NewWatcher(pid int) *Watcher {
	return &Watcher{root: pid, switches: map[int]counts{}, start: map[int]counts{}}
}

// Run samples every interval until ctx ends (see Sample).
func (w *Watcher) Run(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			w.Sample()
		}
	}
}

// Sample reads the tree once and folds it in. It returns the sample, or
// the error that kept it from being read (the root has exited).
func (w *Watcher) Sample() (Tree, error) {
	tr, err := ReadTree(w.root)
	w.mu.Lock()
	defer w.mu.Unlock()
	if err != nil {
		if w.err == nil {
			w.err = err
		}
		return tr, err
	}
	w.last = tr
	p := &w.peak
	p.PeakRSS = max(p.PeakRSS, tr.RSS)
	p.PeakPSS = max(p.PeakPSS, tr.PSS)
	p.MaxThreads = max(p.MaxThreads, tr.Threads)
	p.MaxProcesses = max(p.MaxProcesses, tr.Processes)
	p.MaxFDs = max(p.MaxFDs, tr.FDs)
	p.Samples++
	for tid, c := range tr.switches {
		old := w.switches[tid]
		w.switches[tid] = counts{max(old[0], c[0]), max(old[1], c[1]), max(old[2], c[2])}
	}
	return tr, nil
}

// Mark starts the measured window: CPU time and context switches are
// counted from here, peaks are forgotten. It takes a sample.
func (w *Watcher) Mark() error {
	tr, err := ReadTree(w.root)
	w.mu.Lock()
	defer w.mu.Unlock()
	if err != nil {
		return err
	}
	w.base, w.last = tr, tr
	w.peak = results.Resources{}
	w.switches = map[int]counts{}
	w.start = tr.switches
	return nil
}

// Resources is what the tree used from Mark to the last sample. Context
// switches and the wait for a CPU count every thread a sample saw alive; CPU time counts every
// process, reaped children included, as long as the root is alive to
// collect it.
func (w *Watcher) Resources() *results.Resources {
	w.mu.Lock()
	defer w.mu.Unlock()
	r := w.peak
	r.User = max(w.last.User-w.base.User, 0).Seconds()
	r.Sys = max(w.last.Sys-w.base.Sys, 0).Seconds()
	for tid, c := range w.switches {
		s := w.start[tid]
		r.Voluntary += c[0] - s[0]
		r.Involuntary += c[1] - s[1]
		r.Waited += time.Duration(c[2] - s[2]).Seconds()
	}
	return &r
}

// stat is what corobench reads from /proc/PID/stat.
type stat struct {
	ppid           int
	utime, stime   int64 // clock ticks
	cutime, cstime int64 // clock ticks of reaped children
	threads        int
}

// parseStat reads a /proc/PID/stat line. The command name, in parentheses,
// may hold spaces and parentheses: the fields start after the last ')'.
func parseStat(b []byte) (stat, error) {
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return stat{}, fmt.Errorf("procstat: bad stat line %q", b)
	}
	f := bytes.Fields(b[i+1:])
	// f[0] is field 3 (state); field N is f[N-3].
	if len(f) < 22 {
		return stat{}, fmt.Errorf("procstat: short stat line %q", b)
	}
	num := func(field int) int64 {
		v, _ := strconv.ParseInt(string(f[field-3]), 10, 64)
		return v
	}
	return stat{
		ppid:    int(num(4)),
		utime:   num(14),
		stime:   num(15),
		cutime:  num(16),
		cstime:  num(17),
		threads: int(num(20)),
	}, nil
}

// parseKB finds "Key:   123 kB" in a /proc status or smaps file and
// returns it in bytes, or the bare number for lines with no unit.
func parseKB(b []byte, key string) (int64, bool) {
	for line := range bytes.SplitSeq(b, []byte("\n")) {
		k, v, ok := bytes.Cut(line, []byte(":"))
		if !ok || string(k) != key {
			continue
		}
		v = bytes.TrimSpace(v)
		unit := int64(1)
		if n, ok := bytes.CutSuffix(v, []byte(" kB")); ok {
			v, unit = bytes.TrimSpace(n), 1024
		}
		n, err := strconv.ParseInt(string(v), 10, 64)
		return n * unit, err == nil
	}
	return 0, false
}

// parseSchedstat reads the nanoseconds a thread has waited for a CPU, the
// second of the three numbers of /proc/PID/task/TID/schedstat (time run,
// time waited in a run queue, time slices).
func parseSchedstat(b []byte) (int64, bool) {
	f := bytes.Fields(b)
	if len(f) < 3 {
		return 0, false
	}
	n, err := strconv.ParseInt(string(f[1]), 10, 64)
	return n, err == nil && n >= 0
}

func ticks(n int64) time.Duration { return time.Duration(n) * time.Second / clockTicks }
