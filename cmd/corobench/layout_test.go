package main

import (
	"encoding/json"
	"io"
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The imports point one way (README, "Layout"): each package's code may
// import only the corobench packages its row allows, so that the client never
// links a model, the models never link the client, and reports read results
// alone. Tests may reach further (the load generator's are checked against a
// real model).
func TestImportsPointOneWay(t *testing.T) {
	t.Parallel()
	const mod = "github.com/corobench/corobench/"
	allowed := map[string][]string{ // package prefix → the prefixes it may import
		"results":           {},
		"protocol":          {},
		"work":              {},
		"files":             {},
		"chat":              {},
		"internal/poller":   {},
		"internal/affinity": {},
		"internal/proctest": {},
		"internal/bound":    {"results"},
		"internal/procstat": {"results"},
		"reports":           {"results", "reports"},
		"loadgen":           {"results", "protocol", "work", "files", "chat", "internal/poller"},
		"harness":           {"results", "loadgen", "protocol", "work", "files", "internal/"},
		"targets":           {"targets", "protocol", "work", "files", "chat", "internal/poller", "internal/proctest"},
	}
	cmd := exec.Command("go", "list", "-json=ImportPath,Imports", "../../...")
	out, err := cmd.Output()
	require.NoError(t, err)
	dec := json.NewDecoder(strings.NewReader(string(out)))
	seen := 0
	for {
		var p struct {
			ImportPath                         string
			Imports, TestImports, XTestImports []string
		}
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else {
			require.NoError(t, err)
		}
		pkg := strings.TrimPrefix(p.ImportPath, mod)
		rule, ok := ruleOf(allowed, pkg)
		if !ok {
			continue // cmd/corobench: the top, which may import anything
		}
		seen++
		for _, imp := range p.Imports {
			dep, ours := strings.CutPrefix(imp, mod)
			if !ours || dep == pkg {
				continue
			}
			assert.True(t, hasPrefix(rule, dep), "%s imports %s, which points the wrong way", pkg, dep)
		}
	}
	assert.Greater(t, seen, 20, "go list found the module's packages")
}

// ruleOf is the row of the longest prefix of pkg.
func ruleOf(allowed map[string][]string, pkg string) (rule []string, ok bool) {
	best := -1
	for prefix, r := range allowed {
		if (pkg == prefix || strings.HasPrefix(pkg, prefix+"/")) && len(prefix) > best {
			rule, ok, best = r, true, len(prefix)
		}
	}
	return rule, ok
}

func hasPrefix(prefixes []string, s string) bool {
	for _, p := range prefixes {
		if s == p || strings.HasPrefix(s, strings.TrimSuffix(p, "/")+"/") {
			return true
		}
	}
	return false
}
