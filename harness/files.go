package harness

import (
	"fmt"
	"os"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/corobench/corobench/files"
)

// Files is the file root a scenario's targets serve /files/ and /disk
// from: for every run the harness makes a fresh directory, fills it with
// the sets' files (deterministic content, see files.Pattern) and gives it
// to the target (serve -root; {root} in an external target's command),
// and removes it after the run.
type Files struct {
	Dir       string    `yaml:"dir" doc:"where the fresh roots are made (default: the system's temporary directory); the file system there is the one measured"`
	Sets      []FileSet `yaml:"sets" doc:"the corpus: groups of files of one size"`
	MaxUpload Size      `yaml:"max_upload" doc:"the targets' limit on one upload (serve -max-upload; default 64MiB)"`
}

// FileSet is one group of corpus files: PREFIX-0 … PREFIX-(count-1).
type FileSet struct {
	Prefix string `yaml:"prefix" doc:"required; names the files PREFIX-0, PREFIX-1, ... (A-Z a-z 0-9 . _ -)"`
	Count  int    `yaml:"count" doc:"how many files (1 to 100000)"`
	Size   Size   `yaml:"size" doc:"each file's size: bytes, or with a unit such as 4KiB, 8MiB, 1GiB (at most 1GiB)"`
}

// Bounds on a corpus, so that a typo cannot fill the disk.
const (
	MaxCorpusFiles = 100_000
	MaxCorpusFile  = 1 << 30
	MaxCorpusBytes = 8 << 30
)

// Size is a number of bytes written as 4096, "4KiB" or "8MiB".
type Size int64

var sizeUnits = []struct {
	suffix string
	mult   int64
}{{"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}, {"B", 1}}

// ParseSize reads a Size.
func ParseSize(v string) (Size, error) {
	num, mult := v, int64(1)
	for _, u := range sizeUnits {
		if n, ok := strings.CutSuffix(v, u.suffix); ok {
			num, mult = n, u.mult
			break
		}
	}
	n, err := strconv.ParseInt(strings.TrimSpace(num), 10, 64)
	if err != nil || n < 0 || n > (1<<50)/mult {
		return 0, fmt.Errorf("%q is not a size such as 4096, 4KiB or 8MiB", v)
	}
	return Size(n * mult), nil
}

// UnmarshalYAML implements yaml.Unmarshaler.
func (s *Size) UnmarshalYAML(n *yaml.Node) error {
	v, err := ParseSize(n.Value)
	if err != nil {
		return err
	}
	*s = v
	return nil
}

// NeedsRoot reports whether the scenario's targets get a file root: it
// has a corpus, or its requests ask for /files/ or /disk.
func (s *Scenario) NeedsRoot() bool {
	if s.Files != nil {
		return true
	}
	for _, r := range s.Requests {
		if strings.HasPrefix(r.Path, "/files/") || strings.HasPrefix(r.Path, "/disk") {
			return true
		}
	}
	return false
}

func (s *Scenario) validateFiles(bad func(key, format string, args ...any)) {
	f := s.Files
	if f == nil {
		return
	}
	if f.MaxUpload < 0 {
		bad("files.max_upload", "must not be negative")
	}
	if f.Dir != "" {
		if info, err := os.Stat(f.Dir); err != nil || !info.IsDir() {
			bad("files.dir", "%q is not a directory", f.Dir)
		}
	}
	var total int64
	seen := map[string]bool{}
	for i, set := range f.Sets {
		key := "files.sets." + strconv.Itoa(i)
		switch {
		case set.Prefix == "":
			bad(key+".prefix", "is required")
		case files.ValidName(set.Prefix+"-0") != nil:
			bad(key+".prefix", "%q: names are of A-Z a-z 0-9 . _ - and do not start with .", set.Prefix)
		case seen[set.Prefix]:
			bad(key+".prefix", "%q is used twice", set.Prefix)
		}
		seen[set.Prefix] = true
		if set.Count < 1 || set.Count > MaxCorpusFiles {
			bad(key+".count", "must be from 1 to %d, not %d", MaxCorpusFiles, set.Count)
		}
		if set.Size < 0 || set.Size > MaxCorpusFile {
			bad(key+".size", "must be from 0 to 1GiB, not %d bytes", set.Size)
		}
		total += int64(set.Count) * int64(set.Size)
	}
	if total > MaxCorpusBytes {
		bad("files.sets", "the corpus holds %d bytes, more than 8GiB", total)
	}
}

// makeRoot makes a fresh root for one run and fills it with the corpus;
// the caller removes it.
func (s *Scenario) makeRoot() (string, error) {
	var dir string
	var sets []files.Set
	if s.Files != nil {
		dir = s.Files.Dir
		for _, set := range s.Files.Sets {
			sets = append(sets, files.Set{Prefix: set.Prefix, Count: set.Count, Size: int64(set.Size)})
		}
	}
	root, err := os.MkdirTemp(dir, "corobench-root-")
	if err != nil {
		return "", fmt.Errorf("harness: file root: %w", err)
	}
	store, err := files.Open(root)
	if err == nil {
		err = store.WriteCorpus(sets)
		store.Close()
	}
	if err != nil {
		os.RemoveAll(root)
		return "", fmt.Errorf("harness: file root: %w", err)
	}
	return root, nil
}

// rootArgs are the serve flags that give a model the root.
func (s *Scenario) rootArgs(root string) []string {
	if root == "" {
		return nil
	}
	args := []string{"-root", root}
	if s.Files != nil && s.Files.MaxUpload > 0 {
		args = append(args, "-max-upload", strconv.FormatInt(int64(s.Files.MaxUpload), 10))
	}
	return args
}
