// Package scenarios is corobench's scenario files, as data: the default
// suite at the top, chat/ (the chat room: fan-out), check/ (short runs for A/B checks in CI), curves/ (a
// measure drawn against a count of idle connections), cross-language/ (the
// peers in other languages), datagrams/ (the models over UDP, and beside
// TCP), files/ (file IO beyond the default suite) and examples/. The files
// are embedded in the binary, so that an installed corobench runs its suite
// from any directory; the YAML files stay the source.
package scenarios

import (
	"embed"
	"io/fs"
	"time"
)

//go:embed *.yaml chat/*.yaml check/*.yaml cross-language/*.yaml curves/*.yaml datagrams/*.yaml files/*.yaml examples/*
var files embed.FS

// FS is every scenario file, by its path under scenarios/ ("cpu-bound.yaml",
// "check/cpu.yaml").
func FS() fs.FS { return files }

// Default is the default suite, in the order make bench runs it: every file
// at the top.
func Default() []string {
	return []string{"cpu-bound.yaml", "io-bound.yaml", "mixed.yaml",
		"efficiency-cpu.yaml", "efficiency-io.yaml", "efficiency-disk.yaml", "c10k.yaml", "churn.yaml"}
}

// Quick is the quick look of make bench-quick: the default suite without
// its slowest scenarios, run once with short runs (QuickRepetitions,
// QuickDuration, QuickWarmup).
func Quick() []string {
	return []string{"cpu-bound.yaml", "io-bound.yaml", "efficiency-cpu.yaml", "efficiency-io.yaml", "efficiency-disk.yaml", "churn.yaml"}
}

// The quick look's overrides of the files' repetitions, measured duration
// and warm-up.
const (
	QuickRepetitions = 1
	QuickDuration    = 500 * time.Millisecond
	QuickWarmup      = 200 * time.Millisecond
)
