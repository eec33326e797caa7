package scenarios

import (
	"io/fs"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The embedded default and quick suites are the Makefile's, and the default
// suite is every file at the top.
func TestSuitesMatchTheMakefile(t *testing.T) {
	t.Parallel()
	mk, err := os.ReadFile("../Makefile")
	require.NoError(t, err)
	list := func(v string) []string {
		m := regexp.MustCompile(`(?m)^` + v + ` \?= ((?:.*\\\n)*.*)$`).FindSubmatch(mk)
		require.NotNil(t, m, v)
		var names []string
		for _, f := range strings.Fields(strings.ReplaceAll(string(m[1]), "\\", " ")) {
			names = append(names, strings.TrimPrefix(f, "scenarios/"))
		}
		return names
	}
	assert.Equal(t, list("SCENARIOS"), Default())
	assert.Equal(t, list("QUICK_SCENARIOS"), Quick())
	top, err := fs.Glob(FS(), "*.yaml")
	require.NoError(t, err)
	assert.ElementsMatch(t, top, Default())
	assert.Contains(t, string(mk), "-repetitions "+strconv.Itoa(QuickRepetitions)+" -duration "+QuickDuration.String()+" -warmup "+QuickWarmup.String())
}

// Every file on disk is embedded, byte for byte.
func TestEveryFileIsEmbedded(t *testing.T) {
	t.Parallel()
	n := 0
	err := fs.WalkDir(os.DirFS("."), ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasSuffix(path, ".go") {
			return err
		}
		disk, err := os.ReadFile(path)
		require.NoError(t, err)
		emb, err := fs.ReadFile(FS(), path)
		require.NoError(t, err, path)
		assert.Equal(t, disk, emb, path)
		n++
		return nil
	})
	require.NoError(t, err)
	assert.Greater(t, n, 10)
}
