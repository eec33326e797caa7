package main

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"

	"github.com/corobench/corobench/reports/compare"
	"github.com/corobench/corobench/results"
	"github.com/corobench/corobench/scenarios"
)

// The docs' install line, which the tests replace by an install of the
// working tree (the module is not fetched from the network in a test).
const installLine = "CGO_ENABLED=0 go install -tags minimal github.com/corobench/corobench/cmd/...@latest"

// ciBlock is the yaml code block of docs/ci.md whose first line is first.
func ciBlock(t *testing.T, first string) string {
	t.Helper()
	doc, err := os.ReadFile("../../docs/ci.md")
	require.NoError(t, err)
	m := regexp.MustCompile("(?s)```yaml\n(" + regexp.QuoteMeta(first) + "\n.*?)```").FindSubmatch(doc)
	require.NotNil(t, m, "docs/ci.md has a block beginning %q", first)
	return string(m[1])
}

// userRepo makes a git repository of the test server, as a user's: the
// base commit, then a head commit whose every request does ten times the
// work. It returns the repository and the base commit.
func userRepo(t *testing.T) (repo, base string) {
	t.Helper()
	repo = filepath.Join(t.TempDir(), "repo")
	require.NoError(t, os.CopyFS(repo, os.DirFS(serverDir)))
	git := func(args ...string) string {
		cmd := exec.Command("git", append([]string{"-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "init.defaultBranch=main"}, args...)...)
		cmd.Dir = repo
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, "git %q: %s", args, out)
		return strings.TrimSpace(string(out))
	}
	git("init", "-q")
	git("add", ".")
	git("commit", "-q", "-m", "base")
	base = git("rev-parse", "HEAD")
	src := filepath.Join(repo, "main.go")
	code, err := os.ReadFile(src)
	require.NoError(t, err)
	slower := strings.Replace(string(code), `extraWork = "0"`, `extraWork = "200000"`, 1)
	require.NotEqual(t, string(code), slower)
	require.NoError(t, os.WriteFile(src, []byte(slower), 0o644))
	git("commit", "-q", "-am", "head: more work per request")
	return repo, base
}

// recipeEnv is the environment of a recipe's commands: corobench installs
// into gobin, which is on the PATH; extra adds the CI service's variables.
func recipeEnv(gobin string, extra ...string) []string {
	env := append(os.Environ(), "GOBIN="+gobin, "PATH="+gobin+string(os.PathListSeparator)+os.Getenv("PATH"))
	return append(env, extra...)
}

// localInstall is the install line made to install this working tree.
func localInstall(t *testing.T, script string) string {
	t.Helper()
	root, err := filepath.Abs("../..")
	require.NoError(t, err)
	require.Contains(t, script, installLine)
	return strings.ReplaceAll(script, installLine, "(cd '"+root+"' && CGO_ENABLED=0 go install -tags minimal ./cmd/...)")
}

// shell runs a script as CI runners do (bash, stop at the first failure)
// and returns its exit status.
func shell(t *testing.T, dir string, env []string, script string) (int, string) {
	t.Helper()
	cmd := exec.Command("bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script)
	cmd.Dir, cmd.Env = dir, env
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return exit.ExitCode(), string(out)
	}
	require.NoError(t, err, "%s", out)
	return 0, string(out)
}

// checkArtifacts checks what both recipes keep: a markdown report with the
// regression, and the verdicts as JSON, with the head build slower.
func checkArtifacts(t *testing.T, out string) {
	t.Helper()
	report, err := os.ReadFile(filepath.Join(out, "REPORT.md"))
	require.NoError(t, err)
	assert.Contains(t, string(report), "| hello | server | req/s |")
	assert.Contains(t, string(report), "**verdict: FAIL (regression)")
	rep := readVerdicts(t, filepath.Join(out, "verdicts.json"))
	assert.Equal(t, compare.Fail, rep.Verdict())
	row, ok := rowOf(rep, "server", results.MetricThroughput)
	require.True(t, ok)
	assert.Equal(t, compare.Fail, row.Verdict, "%+v", row)
	for _, side := range []string{"a.json", "b.json"} {
		_, err := results.ReadFile(filepath.Join(out, side))
		assert.NoError(t, err)
	}
}

// The GitHub Actions recipe of docs/ci.md, step by step: the checkout and
// artifact actions done by the test, every run step as written (the
// install from this working tree), the job failing on ab's exit 1 and the
// steps marked always() still run.
func TestGitHubRecipe(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a server twice and runs an A/B")
	}
	t.Parallel()
	var workflow struct {
		Jobs map[string]struct {
			Steps []struct {
				Name, Uses, Run, If string
				With                map[string]string
			}
		}
	}
	require.NoError(t, yaml.Unmarshal([]byte(ciBlock(t, "# .github/workflows/corobench.yml: does this pull request make the server slower?")), &workflow))
	require.Len(t, workflow.Jobs, 1)
	repo, base := userRepo(t)
	ws := filepath.Join(t.TempDir(), "workspace")
	require.NoError(t, os.Mkdir(ws, 0o755))
	summary := filepath.Join(t.TempDir(), "summary.md")
	env := recipeEnv(filepath.Join(t.TempDir(), "bin"), "GITHUB_STEP_SUMMARY="+summary, "GITHUB_WORKSPACE="+ws)

	failed, abExit, uploaded := false, -1, false
	for _, job := range workflow.Jobs {
		for _, step := range job.Steps {
			if failed && step.If != "always()" {
				continue
			}
			switch {
			case strings.HasPrefix(step.Uses, "actions/checkout@"):
				ref := step.With["ref"]
				if ref == "${{ github.event.pull_request.base.sha }}" {
					ref = base
				}
				path := step.With["path"]
				require.NotEmpty(t, path)
				script := "git clone -q '" + repo + "' '" + path + "'"
				if ref != "" {
					script += " && git -C '" + path + "' checkout -q " + ref
				}
				code, out := shell(t, ws, env, script)
				require.Zero(t, code, out)
			case strings.HasPrefix(step.Uses, "actions/setup-go@"):
				// Go is here.
			case strings.HasPrefix(step.Uses, "actions/upload-artifact@"):
				checkArtifacts(t, filepath.Join(ws, step.With["path"]))
				uploaded = true
			case step.Run != "":
				script := step.Run
				if strings.Contains(script, installLine) {
					script = localInstall(t, script)
				}
				code, out := shell(t, ws, env, script)
				t.Logf("step %q: exit %d\n%s", step.Name, code, out)
				if strings.Contains(step.Run, "corobench ab ") {
					abExit = code
				}
				if code != 0 {
					failed = true
				}
			default:
				t.Fatalf("a step the test does not know: %+v", step)
			}
		}
	}
	assert.Equal(t, exitRegression, abExit, "ab found the regression")
	assert.True(t, failed, "the job fails")
	assert.True(t, uploaded, "the artifacts are uploaded all the same")
	sum, err := os.ReadFile(summary)
	require.NoError(t, err)
	assert.Contains(t, string(sum), "**verdict: FAIL (regression)")
}

// The GitLab CI recipe of docs/ci.md: its script as written, in the head
// checkout, as the runner runs it (one shell, stop at the first failure).
func TestGitLabRecipe(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a server twice and runs an A/B")
	}
	t.Parallel()
	var pipeline map[string]struct {
		Script    []string
		Artifacts struct {
			When  string
			Paths []string
		}
	}
	require.NoError(t, yaml.Unmarshal([]byte(ciBlock(t, "# .gitlab-ci.yml: does this merge request make the server slower?")), &pipeline))
	job, ok := pipeline["corobench"]
	require.True(t, ok)
	repo, base := userRepo(t)
	head := filepath.Join(t.TempDir(), "group", "project")
	code, out := shell(t, filepath.Dir(repo), os.Environ(), "mkdir -p '"+filepath.Dir(head)+"' && git clone -q '"+repo+"' '"+head+"'")
	require.Zero(t, code, out)
	env := recipeEnv(filepath.Join(t.TempDir(), "bin"), "CI_MERGE_REQUEST_DIFF_BASE_SHA="+base, "CI_PROJECT_DIR="+head)

	code, out = shell(t, head, env, localInstall(t, strings.Join(job.Script, "\n")))
	t.Logf("script: exit %d\n%s", code, out)
	assert.Equal(t, exitRegression, code, "ab found the regression, and the job fails")
	assert.Equal(t, "always", job.Artifacts.When)
	require.Equal(t, []string{"out/"}, job.Artifacts.Paths)
	checkArtifacts(t, filepath.Join(head, "out"))
}

// The scenario the recipes run is the one docs/ci.md shows.
func TestRecipeScenarioIsTheDocs(t *testing.T) {
	t.Parallel()
	file, err := os.ReadFile(filepath.Join(serverDir, "bench", "ab.yaml"))
	require.NoError(t, err)
	assert.Equal(t, ciBlock(t, "# bench/ab.yaml in your repository"), string(file))
}

// An installed corobench, run from an empty directory far from any
// checkout, has its suite and says what it is: go install into a
// temporary GOBIN, as the README says, then the quick suite.
func TestInstalledBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("installs corobench and runs the quick suite")
	}
	t.Parallel()
	gobin, empty := t.TempDir(), t.TempDir()
	env := recipeEnv(gobin)
	code, out := shell(t, empty, env, localInstall(t, installLine))
	require.Zero(t, code, out)

	code, out = shell(t, empty, env, "corobench version")
	require.Zero(t, code, out)
	assert.Contains(t, out, "module  github.com/corobench/corobench")
	assert.Contains(t, out, "tags    minimal")
	assert.Contains(t, out, "cgo     CGO_ENABLED=0")

	code, out = shell(t, empty, env, "corobench run -quick -targets goroutine -duration 200ms -warmup 50ms -cpu-rate 500 -o out")
	require.Zero(t, code, out)
	f, err := results.ReadFile(filepath.Join(empty, "out", "results.json"))
	require.NoError(t, err)
	require.NotNil(t, f.Env.Build, "the results record the build")
	assert.Equal(t, "minimal", f.Env.Build.Tags)
	assert.Equal(t, "0", f.Env.Build.CGO)
	assert.Equal(t, "github.com/corobench/corobench", f.Env.Build.Module)
	require.Len(t, f.Scenarios, len(scenarios.Quick()), "the quick suite: %s", out)
	for _, s := range f.Scenarios {
		assert.True(t, strings.HasPrefix(s.File, embeddedPrefix), s.File)
		require.Len(t, s.Runs, 1, s.Name)
		assert.Empty(t, s.Runs[0].Error, s.Name)
	}
	_, err = os.Stat(filepath.Join(empty, "out", "REPORT.md"))
	assert.NoError(t, err)
}
