package files

import (
	"crypto/sha256"
	"hash"
	"os"
)

// Upload is a file being written: Write its bytes, then Commit to put it
// under its name, or Abort. Until Commit nothing appears under the name;
// an upload that fails or is aborted leaves nothing behind.
type Upload struct {
	store   *Store
	name    string
	temp    string
	f       *os.File
	size    int64 // declared
	written int64
	h       hash.Hash
	err     error // the first failure; the temporary file is gone
}

// Create starts an upload of size bytes to name. An upload larger than the
// store's limit is refused before any byte is written.
func (s *Store) Create(name string, size int64) (*Upload, error) {
	if err := ValidName(name); err != nil {
		return nil, err
	}
	if size < 0 || size > s.maxUpload {
		return nil, ErrTooLarge
	}
	if err := s.acquire(); err != nil {
		return nil, err
	}
	temp := tempName("put")
	f, err := s.root.OpenFile(temp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		s.release()
		return nil, classify(err)
	}
	return &Upload{store: s, name: name, temp: temp, f: f, size: size, h: sha256.New()}, nil
}

// Remaining is how many bytes the upload still expects.
func (u *Upload) Remaining() int64 { return u.size - u.written }

// Write writes the next bytes of the upload. Bytes past the declared size
// fail it with ErrShort; a full disk fails it with ErrNoSpace. After a
// failure the temporary file is removed and every call returns the error.
func (u *Upload) Write(p []byte) (int, error) {
	if u.err != nil {
		return 0, u.err
	}
	if int64(len(p)) > u.size-u.written {
		u.fail(ErrShort)
		return 0, u.err
	}
	n, err := u.f.Write(p)
	u.h.Write(p[:n])
	u.written += int64(n)
	if err != nil {
		u.fail(classify(err))
		return n, u.err
	}
	return n, nil
}

// Commit puts the whole upload under its name, replacing any file there
// in one rename, and returns its digest. It fails with ErrShort when fewer
// bytes than declared were written.
func (u *Upload) Commit() (Digest, error) {
	if u.err != nil {
		return Digest{}, u.err
	}
	if u.written != u.size {
		u.fail(ErrShort)
		return Digest{}, u.err
	}
	var d Digest
	u.h.Sum(d[:0])
	info, err := u.f.Stat()
	if err == nil {
		keepDigest(u.f, info, d)
		err = u.f.Close()
	}
	if err == nil {
		u.f = nil
		err = u.store.root.Rename(u.temp, u.name)
	}
	if err != nil {
		u.fail(classify(err))
		return Digest{}, u.err
	}
	u.err = errCommitted
	u.store.release()
	return d, nil
}

// Abort gives the upload up, removing what was written.
func (u *Upload) Abort() {
	if u.err == nil {
		u.fail(ErrShort)
	}
}

// fail ends the upload with err, removing the temporary file.
func (u *Upload) fail(err error) {
	u.err = err
	if u.f != nil {
		u.f.Close()
		u.f = nil
	}
	u.store.root.Remove(u.temp)
	u.store.release()
}

var errCommitted = &committedError{}

type committedError struct{}

func (*committedError) Error() string { return "files: upload already committed" }
