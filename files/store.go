package files

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"slices"
	"strconv"
	"strings"
	"syscall"
)

// Defaults of a Store's bounds.
const (
	// DefaultMaxUpload bounds one upload's size.
	DefaultMaxUpload = 64 << 20
	// DefaultMaxOpen bounds the files a store holds open at once (reads,
	// uploads, disk jobs, listings); one more is refused with ErrBusy
	// rather than waited for, since an event loop must not wait.
	DefaultMaxOpen = 256
	// MaxList bounds the names a listing gives.
	MaxList = 10_000
)

// Store serves the regular files of one root directory. Its methods are
// safe for concurrent use.
type Store struct {
	root      *os.Root
	maxUpload int64
	slots     chan struct{} // one token per open file
	digests   digestCache
}

// Option sets a Store's bound.
type Option func(*Store)

// WithMaxUpload bounds the size of one upload (DefaultMaxUpload).
func WithMaxUpload(n int64) Option { return func(s *Store) { s.maxUpload = n } }

// WithMaxOpen bounds the files open at once (DefaultMaxOpen).
func WithMaxOpen(n int) Option {
	return func(s *Store) { s.slots = make(chan struct{}, max(n, 1)) }
}

// Open opens the store of the directory dir, which must exist.
func Open(dir string, opts ...Option) (*Store, error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("files: %w", err)
	}
	s := &Store{root: root, maxUpload: DefaultMaxUpload}
	for _, o := range opts {
		o(s)
	}
	if s.slots == nil {
		s.slots = make(chan struct{}, DefaultMaxOpen)
	}
	return s, nil
}

// Close closes the root. Files already open stay readable.
func (s *Store) Close() error { return s.root.Close() }

// Dir is the directory the store serves.
func (s *Store) Dir() string { return s.root.Name() }

// MaxUpload is the largest upload the store takes.
func (s *Store) MaxUpload() int64 { return s.maxUpload }

// MaxOpen is how many files the store holds open at most.
func (s *Store) MaxOpen() int { return cap(s.slots) }

func (s *Store) acquire() error {
	select {
	case s.slots <- struct{}{}:
		return nil
	default:
		return ErrBusy
	}
}

func (s *Store) release() { <-s.slots }

// Entry is one file of a listing.
type Entry struct {
	Name string
	Size int64
}

// List returns the regular files of the root with valid names, by name.
// Temporary files, hidden files, links and directories are left out.
func (s *Store) List() ([]Entry, error) {
	if err := s.acquire(); err != nil {
		return nil, err
	}
	defer s.release()
	d, err := s.root.Open(".")
	if err != nil {
		return nil, fmt.Errorf("files: %w", err)
	}
	defer d.Close()
	var list []Entry
	for {
		des, err := d.ReadDir(256)
		for _, de := range des {
			if !de.Type().IsRegular() || ValidName(de.Name()) != nil {
				continue
			}
			info, err := de.Info()
			if err != nil {
				continue // removed since
			}
			if len(list) == MaxList {
				return nil, ErrTooMany
			}
			list = append(list, Entry{Name: de.Name(), Size: info.Size()})
		}
		if err == io.EOF || len(des) == 0 {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("files: %w", err)
		}
	}
	slices.SortFunc(list, func(a, b Entry) int { return strings.Compare(a.Name, b.Name) })
	return list, nil
}

// AppendList appends a listing as text: one "NAME SIZE" line per file.
func AppendList(dst []byte, list []Entry) []byte {
	for _, e := range list {
		dst = append(dst, e.Name...)
		dst = append(dst, ' ')
		dst = strconv.AppendInt(dst, e.Size, 10)
		dst = append(dst, '\n')
	}
	return dst
}

// Remove removes the named file.
func (s *Store) Remove(name string) error {
	if err := ValidName(name); err != nil {
		return err
	}
	info, err := s.root.Lstat(name)
	if err != nil {
		return classify(err)
	}
	if !info.Mode().IsRegular() && info.Mode()&fs.ModeSymlink == 0 {
		return ErrForbidden
	}
	return classify(s.root.Remove(name))
}

// tempName is a fresh name for a temporary file, hidden from clients.
func tempName(kind string) string {
	var b [8]byte
	rand.Read(b[:])
	return "." + kind + "-" + hex.EncodeToString(b[:])
}

// classify maps an error of the file system to the store's errors.
func classify(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, fs.ErrNotExist):
		return ErrNotFound
	case errors.Is(err, syscall.ENOSPC), errors.Is(err, syscall.EFBIG), errors.Is(err, syscall.EDQUOT):
		return fmt.Errorf("%w (%w)", ErrNoSpace, err)
	case errors.Is(err, syscall.EMFILE), errors.Is(err, syscall.ENFILE):
		return fmt.Errorf("%w (%w)", ErrBusy, err)
	}
	return fmt.Errorf("files: %w", err)
}
