package main

import (
	"context"
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The child program links only what serving needs: every connection of the
// process model pays for the initialisation of every package linked in.
// Each package outside the standard library must be one of these.
var allowed = []string{
	"github.com/corobench/corobench/cmd/corobench-child",
	"github.com/corobench/corobench/chat",
	"github.com/corobench/corobench/files",           // the file store: /files/ and /disk
	"github.com/corobench/corobench/internal/poller", // the shared connection code's epoll plumbing
	"github.com/corobench/corobench/protocol",
	"github.com/corobench/corobench/work",
	"github.com/corobench/corobench/targets",
	"github.com/corobench/corobench/targets/child",
	"github.com/corobench/corobench/targets/internal/blocking",
	"github.com/corobench/corobench/targets/internal/spawn",
	"github.com/corobench/corobench/targets/loop",
	"github.com/corobench/corobench/targets/prefork",
	"github.com/corobench/corobench/targets/process",
	"golang.org/x/sys/unix",
}

// Nor does it link the standard library's heavy packages.
var heavy = []string{"net/http", "crypto/tls", "encoding/json", "encoding/xml", "image", "compress/flate", "regexp", "text/template"}

func TestLinksOnlyWhatServingNeeds(t *testing.T) {
	t.Parallel()
	out, err := exec.Command("go", "list", "-deps", "-tags", "minimal",
		"-f", "{{if not .Standard}}+{{end}}{{.ImportPath}}", ".").Output()
	require.NoError(t, err)
	deps := strings.Fields(string(out))
	require.Contains(t, deps, "+github.com/corobench/corobench/targets/child")
	for _, d := range deps {
		if pkg, ours := strings.CutPrefix(d, "+"); ours {
			assert.Contains(t, allowed, pkg, "corobench-child links %s", pkg)
		} else {
			assert.NotContains(t, heavy, d, "corobench-child links %s", d)
		}
	}
}

// A command line that spawn did not write is a usage error (exit 2) that
// says what the program is; nothing is served.
func TestUsage(t *testing.T) {
	t.Parallel()
	tests := map[string][]string{
		"no role":      nil,
		"unknown role": {"serve"},
		"no rate":      {"conn", "-model", "process"},
		"bad flag":     {"conn", "-cpu-rate", "1", "-nope"},
	}
	for name, args := range tests {
		var stderr strings.Builder
		code := run(context.Background(), args, &stderr)
		assert.Equal(t, exitUsage, code, name)
		assert.Contains(t, stderr.String(), "usage: corobench-child ROLE", name)
	}
}
