package results

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
)

// WriteFile writes v as indented JSON to path atomically: into a temporary
// file beside it, synced, then renamed over path. A crash or a full disk
// leaves the previous file whole.
func WriteFile(path string, v any) error {
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Errorf("results: encode %s: %w", path, err)
	}
	return WriteAtomic(path, append(data, '\n'))
}

// WriteAtomic writes data to path through a synced temporary file and a rename.
func WriteAtomic(path string, data []byte) error {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("results: write %s: %w", path, err)
	}
	defer os.Remove(tmp.Name()) // after a successful rename there is nothing to remove
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("results: write %s: %w", path, err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("results: write %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("results: write %s: %w", path, err)
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return fmt.Errorf("results: write %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("results: write %s: %w", path, err)
	}
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
	return nil
}

// ReadFile reads a results file written by this or an earlier version.
func ReadFile(path string) (*File, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("results: %w", err)
	}
	return Decode(path, data)
}

// Decode reads a results file's contents; name is where they came from.
func Decode(name string, data []byte) (*File, error) {
	var f File
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, fmt.Errorf("results: %s: %w", name, err)
	}
	if f.Version < 1 || f.Version > Version {
		return nil, fmt.Errorf("results: %s: version %d, this build reads 1 to %d", name, f.Version, Version)
	}
	return &f, nil
}

// ReadLog reads a results file, or a log that holds one on a line of its
// own among other lines (what `corobench load -json -` printed, as
// `kubectl logs` gives it back).
func ReadLog(path string) (*File, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("results: %w", err)
	}
	f, err := Decode(path, data)
	if err == nil {
		return f, nil
	}
	for line := range bytes.Lines(data) {
		if line = bytes.TrimSpace(line); bytes.HasPrefix(line, []byte(`{"version":`)) {
			return Decode(path, line)
		}
	}
	return nil, err
}
