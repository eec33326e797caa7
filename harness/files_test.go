package harness

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/corobench/corobench/files"
)

func TestParseFiles(t *testing.T) {
	t.Parallel()
	s, err := Parse("s.yaml", []byte(`name: s
targets: [loop]
files:
  sets:
    - {prefix: page, count: 3, size: 4KiB}
    - {prefix: big, count: 1, size: 2MiB}
  max_upload: 1MiB
requests: [{path: /files/page-0}]
`))
	require.NoError(t, err)
	require.NotNil(t, s.Files)
	assert.Equal(t, []FileSet{{"page", 3, 4096}, {"big", 1, 2 << 20}}, s.Files.Sets)
	assert.True(t, s.NeedsRoot())
	assert.Equal(t, []string{"-root", "R", "-max-upload", "1048576"}, s.rootArgs("R"))

	root, err := s.makeRoot()
	require.NoError(t, err)
	defer os.RemoveAll(root)
	store, err := files.Open(root)
	require.NoError(t, err)
	defer store.Close()
	list, err := store.List()
	require.NoError(t, err)
	assert.Equal(t, []files.Entry{{Name: "big-0", Size: 2 << 20}, {Name: "page-0", Size: 4096}, {Name: "page-1", Size: 4096}, {Name: "page-2", Size: 4096}}, list)
	again, err := s.makeRoot()
	require.NoError(t, err)
	defer os.RemoveAll(again)
	assert.NotEqual(t, root, again, "a fresh root each run")
	a, _ := os.ReadFile(filepath.Join(root, "page-1"))
	b, _ := os.ReadFile(filepath.Join(again, "page-1"))
	assert.Equal(t, a, b, "deterministic content")

	disk, err := Parse("d.yaml", []byte("name: d\ntargets: [loop]\nrequests: [{path: \"/disk?kb=64\"}]\n"))
	require.NoError(t, err)
	assert.True(t, disk.NeedsRoot(), "/disk gets an empty root")
	assert.Equal(t, []string{"-root", "R"}, disk.rootArgs("R"))
}

func TestParseFilesErrors(t *testing.T) {
	t.Parallel()
	_, err := Parse("s.yaml", []byte(`name: s
targets: [loop]
files:
  dir: /no/such/dir
  max_upload: lots
  sets:
    - {prefix: page, count: 0, size: 4KiB}
    - {prefix: ../up, count: 1, size: 1}
    - {prefix: page, count: 1, size: 2GiB}
    - {count: 1, size: 4 KB, color: red}
requests: [{path: /files/page-0}]
`))
	require.Error(t, err)
	for _, want := range []string{
		`s.yaml:4: files.dir: "/no/such/dir" is not a directory`,
		`s.yaml:5: files.max_upload: want a size such as 4096, 4KiB or 8MiB, not "lots"`,
		"s.yaml:7: files.sets.0.count: must be from 1 to 100000, not 0",
		`s.yaml:8: files.sets.1.prefix: "../up": names are of A-Z`,
		`s.yaml:9: files.sets.2.prefix: "page" is used twice`,
		"s.yaml:9: files.sets.2.size: must be from 0 to 1GiB",
		"s.yaml:10: files.sets.3.color: unknown key; the keys here are prefix, count, size",
		`s.yaml:10: files.sets.3.size: want a size such as 4096, 4KiB or 8MiB, not "4 KB"`,
		"s.yaml:10: files.sets.3.prefix: is required",
	} {
		assert.Contains(t, err.Error(), want)
	}
	assert.Equal(t, 9, strings.Count(err.Error(), "\n")+1, "%s", err)
}

func TestParseSize(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]Size{"0": 0, "4096": 4096, "4KiB": 4096, "8MiB": 8 << 20, "1GiB": 1 << 30, "3B": 3} {
		got, err := ParseSize(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, got, in)
	}
	for _, in := range []string{"", "-1", "4kb", "KiB", "1.5MiB", "99999999999GiB"} {
		_, err := ParseSize(in)
		assert.Error(t, err, in)
	}
}
