package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/corobench/corobench/targets"
	"github.com/corobench/corobench/targets/conformancetest"
	"github.com/corobench/corobench/targets/goroutine"
	"github.com/corobench/corobench/targets/loop"
)

// The README's `corobench load` examples work as written, against a real
// target: only the address, the durations and the output file are changed,
// so a renamed flag or a broken example fails here.
func TestREADMELoadExamples(t *testing.T) {
	t.Parallel()
	readme, err := os.ReadFile("../../README.md")
	require.NoError(t, err)
	addr := conformancetest.Serve(t, goroutine.New(targets.Config{App: conformancetest.App("goroutine")}))
	udp := conformancetest.ServeDatagrams(t, loop.NewDatagram(targets.Config{App: conformancetest.App("loop")}))
	shorten := strings.NewReplacer(
		"127.0.0.1:8080", addr, "127.0.0.1:9000", udp,
		"-d 10s", "-d 200ms", "-d 30s", "-d 200ms", "-warmup 2s", "-warmup 50ms",
		"-batch 10", "-batch 3", "us=100000", "us=1000",
		"out.json", filepath.Join(t.TempDir(), "out.json"),
		"2026-01-02T15:04:05Z", time.Now().Add(100*time.Millisecond).UTC().Format(time.RFC3339Nano),
	)
	var ran int
	for _, line := range strings.Split(string(readme), "\n") {
		cmdline, ok := strings.CutPrefix(line, "bin/corobench load ")
		if !ok {
			continue
		}
		cmdline, _, _ = strings.Cut(cmdline, "  #") // a trailing comment
		args := append([]string{"load", "-d", "200ms"}, splitShell(shorten.Replace(cmdline))...)
		args = dropCPUs(args) // pinning would pin this whole test process
		var stdout, stderr bytes.Buffer
		err := run(context.Background(), args, nil, &stdout, &stderr)
		require.NoError(t, err, "README: %s\nstderr: %s", line, stderr.String())
		require.NotEmpty(t, stdout.String(), "README: %s", line)
		ran++
	}
	require.GreaterOrEqual(t, ran, 4, "the README's load examples were found")
}

var shellWord = regexp.MustCompile(`'[^']*'|\S+`)

// splitShell splits a command line into words, honouring single quotes.
func splitShell(s string) []string {
	var words []string
	for _, w := range shellWord.FindAllString(s, -1) {
		words = append(words, strings.Trim(w, "'"))
	}
	return words
}

// dropCPUs removes "-cpus N": in a test it would pin every other test too.
func dropCPUs(args []string) []string {
	var out []string
	for i := 0; i < len(args); i++ {
		if args[i] == "-cpus" {
			i++
			continue
		}
		out = append(out, args[i])
	}
	return out
}
