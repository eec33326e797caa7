package main

import (
	"bytes"
	"context"
	"encoding/pem"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"

	"github.com/corobench/corobench/harness"
	"github.com/corobench/corobench/results"
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
	assert.Equal(t, []harness.Phase{{Rate: 100, For: harness.Duration(time.Second)}, {Rate: 0, For: harness.Duration(500 * time.Millisecond)},
		{Rate: 2000, For: harness.Duration(2 * time.Second)}}, steps)
	for _, bad := range []string{"100", "x:1s", "100:0s", "-1:1s"} {
		_, err := parseSteps(bad)
		assert.Error(t, err, bad)
	}
}

// The flags say a load as a scenario says it, so that one mapping
// (harness.LoadOptions) serves both.
func TestLoadPlan(t *testing.T) {
	t.Parallel()
	to := func(r float64) *float64 { return &r }
	const s = harness.Duration(time.Second)
	tests := []struct {
		name string
		args []string
		want harness.Load
	}{
		{name: "closed", args: []string{"-c", "4", "-pipeline", "2", "-think", "1s"},
			want: harness.Load{Mode: results.ModeClosed, Pipeline: 2, ThinkTime: s}},
		{name: "rate", args: []string{"-R", "100"}, want: harness.Load{Mode: results.ModeOpen, Rate: 100, Pipeline: 1}},
		{name: "steps win over the rate", args: []string{"-R", "5", "-steps", "100:1s,200:2s"},
			want: harness.Load{Mode: results.ModeOpen, Pipeline: 1, Phases: []harness.Phase{{Rate: 100, For: s}, {Rate: 200, For: 2 * s}}}},
		{name: "ramp", args: []string{"-R", "100", "-ramp", "1s", "-ramp-to", "300"},
			want: harness.Load{Mode: results.ModeOpen, Pipeline: 1, Phases: []harness.Phase{{Rate: 100, To: to(300), For: s}}}},
		{name: "ramp from nothing", args: []string{"-ramp", "1s", "-ramp-to", "300"},
			want: harness.Load{Mode: results.ModeOpen, Pipeline: 1, Phases: []harness.Phase{{Rate: 0, To: to(300), For: s}}}},
		{name: "a ramp to its own rate holds it", args: []string{"-R", "100", "-ramp", "1s", "-ramp-to", "100"},
			want: harness.Load{Mode: results.ModeOpen, Rate: 100, Pipeline: 1}},
		{name: "batch", args: []string{"-batch", "8", "-conn-per-request"},
			want: harness.Load{Mode: results.ModeBatch, Batch: 8, ConnPerReq: true, Pipeline: 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var f loadFlags
			fs := flag.NewFlagSet("load", flag.ContinueOnError)
			f.define(fs)
			require.NoError(t, fs.Parse(append([]string{"-d", "3s", "-warmup", "1s", "-timeout", "2s"}, tt.args...)))
			got, err := f.plan()
			require.NoError(t, err)
			tt.want.Duration, tt.want.Warmup, tt.want.Timeout = 3*s, s, 2*s
			assert.Equal(t, tt.want, got)
		})
	}
	var f loadFlags
	f.steps = "100"
	_, err := f.plan()
	assert.ErrorContains(t, err, "-steps")
}

// The wrk and hey habits: flags after the URL, a method, headers, a Host
// and a body reach the server as given.
func TestLoadRequestFlags(t *testing.T) {
	t.Parallel()
	type seen struct{ method, host, auth, other, body string }
	// server records the first request it is sent; a server per case, so
	// that a request of one case still in flight cannot pass for another's.
	server := func() (string, <-chan seen) {
		got := make(chan seen, 1)
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			b, _ := io.ReadAll(r.Body)
			select {
			case got <- seen{r.Method, r.Host, r.Header.Get("Authorization"), r.Header.Get("X-Other"), string(b)}:
			default:
			}
			w.WriteHeader(http.StatusNoContent)
		}))
		t.Cleanup(srv.Close)
		return srv.URL, got
	}
	bodyFile := filepath.Join(t.TempDir(), "body.json")
	require.NoError(t, os.WriteFile(bodyFile, []byte(`{"a":1}`), 0o644))
	tests := []struct {
		name string
		args func(url string) []string
		want seen
	}{
		{"method, headers, host, body", func(url string) []string {
			return []string{"-m", "put", "-H", "Authorization: Bearer x", "-H", "X-Other: 1", "-host", "example.org", "-body", "hello", url + "/a"}
		}, seen{"PUT", "example.org", "Bearer x", "1", "hello"}},
		{"flags after the URL; a body alone posts", func(url string) []string {
			return []string{url + "/b", "-body-file", bodyFile, "-H", "Host: h.example"}
		}, seen{"POST", "h.example", "", "", `{"a":1}`}},
	}
	for _, tt := range tests {
		url, got := server()
		var stdout, stderr bytes.Buffer
		argv := append([]string{"load", "-q", "-c", "1", "-d", "200ms"}, tt.args(url)...)
		require.NoError(t, run(context.Background(), argv, nil, &stdout, &stderr), "%s: %s", tt.name, stderr.String())
		assert.Contains(t, stdout.String(), "errors     none", tt.name)
		assert.Equal(t, tt.want, <-got, tt.name)
	}
	url, _ := server()
	for _, bad := range [][]string{
		{"-m", "GET", "-r", "/x", url},
		{"-body", "a", "-body-file", bodyFile, url},
		{"-H", "Content-Length: 3", url},
		{"-H", "no colon", url},
		{url, url},
		{"-insecure", url},
	} {
		var stdout, stderr bytes.Buffer
		err := run(context.Background(), append([]string{"load", "-q", "-d", "100ms"}, bad...), nil, &stdout, &stderr)
		assert.ErrorIs(t, err, errUsage, "%q", bad)
	}
}

// https: verified against -ca, or not at all with -insecure; refused
// otherwise, as an error of kind tls.
func TestLoadHTTPS(t *testing.T) {
	t.Parallel()
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("ok")) }))
	t.Cleanup(srv.Close)
	ca := filepath.Join(t.TempDir(), "ca.pem")
	require.NoError(t, os.WriteFile(ca, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}), 0o644))
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"-insecure"}, "errors     none"},
		{[]string{"-ca", ca, "-host", "example.com"}, "errors     none"},
		{nil, "tls"},
	} {
		var out string
		// A handshake under the race detector on a busy machine can take
		// longer than the run: a run that measured nothing is run again.
		for range 3 {
			var stdout, stderr bytes.Buffer
			argv := append(append([]string{"load", "-q", "-c", "1", "-d", "1s"}, tt.args...), srv.URL+"/")
			require.NoError(t, run(context.Background(), argv, nil, &stdout, &stderr), stderr.String())
			if out = stdout.String(); !strings.Contains(out, "requests   0 ") || !strings.Contains(out, "errors     none") {
				break
			}
		}
		assert.Contains(t, out, tt.want, "%q", tt.args)
		assert.Contains(t, out, "goroutines engine", "%q", tt.args)
	}
}

// -json - puts the results, and only them, on stdout, one line; merge
// reads them back from a log with other lines around them, as kubectl
// logs gives a pod's output.
func TestLoadJSONToStdoutAndMergeLogs(t *testing.T) {
	t.Parallel()
	addr := conformancetest.Serve(t, goroutine.New(targets.Config{App: conformancetest.App("goroutine")}))
	dir := t.TempDir()
	var logs []string
	for i := range 2 {
		var stdout, stderr bytes.Buffer
		argv := []string{"load", "-json", "-", "-c", "2", "-d", "200ms", "-start-at", time.Now().Add(100 * time.Millisecond).Format(time.RFC3339Nano), "http://" + addr + "/health"}
		require.NoError(t, run(context.Background(), argv, nil, &stdout, &stderr), stderr.String())
		require.Equal(t, 1, strings.Count(stdout.String(), "\n"), "one line: %s", stdout.String())
		log := filepath.Join(dir, fmt.Sprintf("agent-%d.log", i))
		require.NoError(t, os.WriteFile(log, []byte("some line before\n"+stdout.String()+"and after\n"), 0o644))
		logs = append(logs, log)
	}
	var stdout, stderr bytes.Buffer
	require.NoError(t, run(context.Background(), append([]string{"merge"}, logs...), nil, &stdout, &stderr), stderr.String())
	assert.Contains(t, stdout.String(), "closed load on "+addr+": 4 connections")
}

// The load agents' command line in deploy/kubernetes is one that load
// takes: every flag known, the URL last.
func TestKubernetesJobArgs(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile("../../deploy/kubernetes/load-job.yaml")
	require.NoError(t, err)
	var job struct {
		Spec struct {
			Template struct {
				Spec struct {
					Containers []struct{ Args []string }
				}
			}
		}
	}
	require.NoError(t, yaml.Unmarshal(data, &job))
	args := job.Spec.Template.Spec.Containers[0].Args
	require.Equal(t, "load", args[0])
	for i, a := range args {
		if a == "$(START_AT)" {
			args[i] = "2026-01-02T15:04:05Z"
		}
	}
	fs := flag.NewFlagSet("load", flag.ContinueOnError)
	var f loadFlags
	f.define(fs)
	urls, err := parseInterspersed(fs, args[1:], io.Discard)
	require.NoError(t, err)
	require.Len(t, urls, 1)
	u, err := parseURL(urls[0])
	require.NoError(t, err)
	require.NoError(t, f.requests(u.path))
	_, err = f.options()
	require.NoError(t, err)
	assert.Equal(t, "-", f.jsonOut)
}

// An interval log that cannot be written fails the command, and keeps
// what was measured: the results file, the summary, the failure among the
// warnings.
func TestLoadKeepsTheRunWhenTheIntervalLogFails(t *testing.T) {
	t.Parallel()
	if _, err := os.Stat("/dev/full"); err != nil {
		t.Skip("no /dev/full to fail writes")
	}
	addr := conformancetest.Serve(t, goroutine.New(targets.Config{App: conformancetest.App("goroutine")}))
	file := filepath.Join(t.TempDir(), "r.json")
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), []string{"load", "-q", "-c", "2", "-d", "1200ms", "-warmup", "0s", "-hlog", "/dev/full", "-json", file, "http://" + addr + "/health"}, nil, &stdout, &stderr)
	assert.ErrorContains(t, err, "interval log")
	assert.Contains(t, stdout.String(), "req/s", "the summary is printed")
	f, rerr := results.ReadFile(file)
	require.NoError(t, rerr, "the results are written")
	load := f.Scenarios[0].Runs[0].Load
	require.NotNil(t, load)
	assert.Positive(t, load.Requests)
	assert.Contains(t, strings.Join(load.Warnings, "\n"), "interval log")
}
