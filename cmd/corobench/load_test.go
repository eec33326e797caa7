package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/corobench/corobench/loadgen"
	"github.com/corobench/corobench/targets"
	"github.com/corobench/corobench/targets/conformancetest"
	"github.com/corobench/corobench/targets/goroutine"
)

func TestLoadBenchJSONAndMerge(t *testing.T) {
	t.Parallel()
	addr := conformancetest.Serve(t, goroutine.New(targets.Config{App: conformancetest.App("goroutine")}))
	dir := t.TempDir()
	var files []string
	for _, args := range [][]string{
		{"-c", "2", "-bench"},
		{"-R", "200", "-max-conns", "4", "-r", "3 GET /health", "-r", "/cpu?us=5"},
	} {
		file := filepath.Join(dir, "r"+string(rune('a'+len(files)))+".json")
		files = append(files, file)
		var stdout, stderr bytes.Buffer
		argv := append(append([]string{"load", "-q", "-d", "300ms", "-json", file}, args...), "http://"+addr+"/health")
		require.NoError(t, run(context.Background(), argv, nil, &stdout, &stderr), stderr.String())
		if args[len(args)-1] == "-bench" {
			assert.True(t, strings.HasPrefix(stdout.String(), "BenchmarkLoad/closed/c=2/GET/health\t"), stdout.String())
		} else {
			assert.Contains(t, stdout.String(), "open load on")
			assert.Contains(t, stdout.String(), "200 req/s asked")
		}
	}
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), append([]string{"merge"}, files...), nil, &stdout, &stderr)
	assert.ErrorContains(t, err, "cannot merge a open load")
	require.NoError(t, run(context.Background(), []string{"merge", "-o", filepath.Join(dir, "m.json"), files[0], files[0]}, nil, &stdout, &stderr))
	assert.Contains(t, stdout.String(), "4 connections")
}

func TestParseSteps(t *testing.T) {
	t.Parallel()
	steps, err := parseSteps("100:1s, 0:500ms,2000:2s")
	require.NoError(t, err)
	assert.Equal(t, []loadgen.Step{{Rate: 100, For: time.Second}, {Rate: 0, For: 500 * time.Millisecond}, {Rate: 2000, For: 2 * time.Second}}, steps)
	for _, bad := range []string{"100", "x:1s", "100:0s", "-1:1s"} {
		_, err := parseSteps(bad)
		assert.Error(t, err, bad)
	}
}
