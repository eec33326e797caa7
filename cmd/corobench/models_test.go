package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/corobench/corobench/targets"
	"github.com/corobench/corobench/work"
)

// wantParallelism is what each model's design says it serves and computes
// at once, made with cfg and run under procs Ps on a machine of cpus CPUs:
// written out here, apart from the models, so that a model that says
// otherwise fails.
func wantParallelism(name string, cfg targets.Config, procs, cpus int) targets.Parallelism {
	or := func(n, def int) int {
		if n > 0 {
			return n
		}
		return def
	}
	switch name {
	case "loop":
		return targets.Parallelism{Slots: 1, CPU: 1}
	case "process":
		return targets.Parallelism{Slots: or(cfg.MaxConns, 512)}
	case "prefork":
		n := or(cfg.Workers, cpus)
		return targets.Parallelism{Slots: n, CPU: n}
	case "thread":
		return targets.Parallelism{Slots: or(cfg.MaxConns, 2000), CPU: procs}
	case "threadpool":
		n := or(cfg.Workers, 64)
		return targets.Parallelism{Slots: n, CPU: min(n, procs)}
	case "reactors":
		return targets.Parallelism{CPU: or(cfg.Workers, procs)}
	case "select", "poll", "eventloop", "eventloop-et", "coro":
		return targets.Parallelism{CPU: 1}
	case "goroutine", "goroutine-1":
		return targets.Parallelism{CPU: procs}
	}
	return targets.Parallelism{Slots: -1} // a model this table does not know yet
}

// wantDatagramParallelism is wantParallelism for the datagram server of a
// model: what it serves and computes at once, by its design.
func wantDatagramParallelism(name string, cfg targets.Config, procs, cpus int) targets.Parallelism {
	or := func(n, def int) int {
		if n > 0 {
			return n
		}
		return def
	}
	switch name {
	case "loop", "thread", "threadpool", "process", "prefork":
		return wantParallelism(name, cfg, procs, cpus)
	case "goroutine", "goroutine-1":
		// A goroutine per datagram, up to a cap on those in hand.
		return targets.Parallelism{Slots: targets.MaxDatagramsInFlight, CPU: procs}
	case "reactors":
		n := or(cfg.Workers, procs)
		return targets.Parallelism{Slots: n * targets.MaxDatagramsInFlight, CPU: n}
	case "eventloop", "coro":
		// Every wait a timer on the one loop, up to the cap.
		return targets.Parallelism{Slots: targets.MaxDatagramsInFlight, CPU: 1}
	}
	return targets.Parallelism{Slots: -1} // a model this table does not know yet
}

// Every entry of the list says everything the program reads of a model, and
// what it says is true of the server it makes.
func TestEveryModelIsDescribed(t *testing.T) {
	app := targets.NewApp("test", work.Rate(100))
	procs := runtime.GOMAXPROCS(0) // Parallelism is read in this process
	seen := map[string]bool{}
	for _, m := range models() {
		t.Run(m.Name, func(t *testing.T) {
			assert.Regexp(t, `^[a-z][a-z0-9-]*$`, m.Name)
			assert.False(t, seen[m.Name], "one entry per name")
			seen[m.Name] = true
			assert.NotEmpty(t, m.Summary, "what it is")
			assert.NotEmpty(t, m.Analogue, "its analogue")
			assert.Contains(t, []string{"", targets.TextbookSequential, targets.TextbookThreads, targets.TextbookProcesses}, m.Textbook)
			require.NotNil(t, m.GOMAXPROCS, "a GOMAXPROCS rule")
			assert.GreaterOrEqual(t, m.GOMAXPROCS(targets.Config{}), 0)
			assert.NotEmpty(t, m.Transports, "the transports it serves")
			assert.Equal(t, m.Serves(targets.TCP), m.New != nil, "a stream constructor if and only if it serves tcp")
			assert.Equal(t, m.Serves(targets.UDP), m.NewDatagram != nil, "a datagram constructor if and only if it serves udp")
			for _, tr := range m.Transports {
				assert.Contains(t, []targets.Transport{targets.TCP, targets.UDP}, tr)
			}
			require.NotNil(t, m.New, "a constructor")

			// Its defaults, and the knobs it says it has: each moves its
			// parallelism as the design says; a knob it does not have
			// changes nothing.
			for _, cfg := range []targets.Config{{}, {Workers: 3}, {MaxConns: 7}} {
				cfg.App, cfg.Self = app, []string{"/nonexistent"}
				got := m.New(cfg).Parallelism()
				assert.Equal(t, wantParallelism(m.Name, cfg, procs, runtime.NumCPU()), got, "config %+v", cfg)
			}
			// Likewise over datagrams; a knob is described if it matters to
			// one transport.
			parallelism := func(cfg targets.Config) [2]targets.Parallelism {
				cfg.App, cfg.Self = app, []string{"x"}
				var p [2]targets.Parallelism
				p[0] = m.New(cfg).Parallelism()
				if m.NewDatagram != nil {
					p[1] = m.NewDatagram(cfg).Parallelism()
					assert.Equal(t, wantDatagramParallelism(m.Name, cfg, procs, runtime.NumCPU()), p[1], "datagrams, config %+v", cfg)
				}
				return p
			}
			base := parallelism(targets.Config{})
			withWorkers := parallelism(targets.Config{Workers: 3})
			withCap := parallelism(targets.Config{MaxConns: 7})
			assert.Equal(t, m.Workers != "", base != withWorkers, "-workers is described if and only if it matters")
			assert.Equal(t, m.MaxConns != "", base != withCap, "-max-conns is described if and only if it matters")
		})
	}
}

// Every package under targets/ that gives a model entry is in the list:
// adding a model is adding one line to models().
func TestEveryModelPackageIsListed(t *testing.T) {
	entry := regexp.MustCompile(`(?m)^func (\w*Model)\(\) targets\.Model`)
	var found []string
	files, err := filepath.Glob("../../targets/*/model.go")
	require.NoError(t, err)
	for _, f := range files {
		src, err := os.ReadFile(f)
		require.NoError(t, err)
		for _, m := range entry.FindAllSubmatch(src, -1) {
			found = append(found, filepath.Base(filepath.Dir(f))+"."+string(m[1]))
		}
	}
	listed, err := os.ReadFile("models.go")
	require.NoError(t, err)
	require.NotEmpty(t, found)
	for _, f := range found {
		assert.True(t, bytes.Contains(listed, []byte(f+"()")), "%s is not in models()", f)
	}
}

// `corobench models -json` lists every model with what it is.
func TestModelsCommand(t *testing.T) {
	var out, errOut bytes.Buffer
	require.NoError(t, run(t.Context(), []string{"models", "-json"}, nil, &out, &errOut))
	var list []modelInfo
	require.NoError(t, json.Unmarshal(out.Bytes(), &list))
	var names []string
	for _, m := range list {
		names = append(names, m.Name)
		assert.NotEmpty(t, m.Summary)
		assert.NotEmpty(t, m.GOMAXPROCS)
	}
	var want []string
	for _, m := range models() {
		want = append(want, m.Name)
	}
	assert.Equal(t, want, names)
	assert.True(t, slices.Contains(names, "goroutine-1"))
	for i, m := range models() {
		assert.Equal(t, m.Chat, list[i].Chat, "%s: the transports it serves chat over", m.Name)
	}

	out.Reset()
	require.NoError(t, run(t.Context(), []string{"models"}, nil, &out, &errOut))
	assert.Contains(t, out.String(), "goroutine-1")
	assert.Contains(t, out.String(), "ANALOGUE")
}
