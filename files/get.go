package files

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"slices"
	"sync"
	"syscall"
)

// File is an open file of the store, to be streamed. Its Size and Digest
// were read from the open file, so they describe the bytes it reads even if
// the name is replaced meanwhile. Close gives its slot back.
type File struct {
	f      *os.File
	size   int64
	digest Digest
	store  *Store
}

// Size is the file's length in bytes.
func (f *File) Size() int64 { return f.size }

// Digest is the SHA-256 of the file's bytes.
func (f *File) Digest() Digest { return f.digest }

// ReadAt reads from the file at off; reads past Size end with io.EOF.
func (f *File) ReadAt(p []byte, off int64) (int, error) {
	if off >= f.size {
		return 0, io.EOF
	}
	if rest := f.size - off; int64(len(p)) > rest {
		p = p[:rest]
	}
	return f.f.ReadAt(p, off)
}

// Fd is the file's descriptor, for sendfile; it is valid until Close.
func (f *File) Fd() uintptr { return f.f.Fd() }

// Close closes the file.
func (f *File) Close() error {
	if f.f == nil {
		return nil
	}
	err := f.f.Close()
	f.f = nil
	f.store.release()
	return err
}

// Get opens the named regular file for reading.
func (s *Store) Get(name string) (*File, error) {
	if err := ValidName(name); err != nil {
		return nil, err
	}
	if err := s.acquire(); err != nil {
		return nil, err
	}
	f, info, err := s.open(name)
	if err != nil {
		s.release()
		return nil, err
	}
	d, err := s.digestOf(f, info)
	if err == nil {
		return &File{f: f, size: info.Size(), digest: d, store: s}, nil
	}
	f.Close()
	s.release()
	return nil, classify(err)
}

// ReadAll appends the whole file to dst: for a file small enough to go out
// in one write with its header.
func (f *File) ReadAll(dst []byte) ([]byte, error) {
	n := len(dst)
	dst = slices.Grow(dst, int(f.size))[:n+int(f.size)]
	if _, err := f.f.ReadAt(dst[n:], 0); err != nil {
		return dst[:n], err
	}
	return dst, nil
}

// open opens name read-only, refusing what is not a regular file inside
// the root. O_NONBLOCK keeps a FIFO from blocking the open; it changes
// nothing for a regular file.
func (s *Store) open(name string) (*os.File, os.FileInfo, error) {
	f, err := s.root.OpenFile(name, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			if _, lerr := s.root.Lstat(name); lerr == nil {
				return nil, nil, ErrForbidden // a dangling link, or one out of the root
			}
			return nil, nil, ErrNotFound
		}
		if info, lerr := s.root.Lstat(name); lerr == nil && info.Mode()&fs.ModeSymlink != 0 {
			return nil, nil, ErrForbidden
		}
		return nil, nil, classify(err)
	}
	info, err := f.Stat()
	if err != nil || !info.Mode().IsRegular() {
		f.Close()
		if err != nil {
			return nil, nil, classify(err)
		}
		return nil, nil, ErrForbidden
	}
	return f, info, nil
}

// chunkSize is the size of the buffers the store reads and writes with.
const chunkSize = 64 << 10

var chunks = sync.Pool{New: func() any { b := make([]byte, chunkSize); return &b }}

// GetChunk lends a buffer of the store's chunk size (64 KiB), to stream a
// file with; PutChunk gives it back.
func GetChunk() *[]byte { return chunks.Get().(*[]byte) }

// PutChunk gives back a buffer from GetChunk.
func PutChunk(b *[]byte) { chunks.Put(b) }
