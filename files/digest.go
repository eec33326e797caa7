package files

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"strconv"
	"sync"
)

// Digest is a SHA-256 of a file's bytes.
type Digest [sha256.Size]byte

// DigestHeader is the header an answer carries a file's digest in (RFC
// 9530): "Repr-Digest: sha-256=:BASE64:".
const DigestHeader = "Repr-Digest"

// String is the digest as DigestHeader's value.
func (d Digest) String() string {
	return "sha-256=:" + base64.StdEncoding.EncodeToString(d[:]) + ":"
}

// ParseDigest reads DigestHeader's value; other algorithms are not known.
func ParseDigest(v string) (Digest, bool) {
	var d Digest
	const prefix, suffix = "sha-256=:", ":"
	if len(v) < len(prefix)+len(suffix) || v[:len(prefix)] != prefix || v[len(v)-1:] != suffix {
		return d, false
	}
	b, err := base64.StdEncoding.DecodeString(v[len(prefix) : len(v)-1])
	if err != nil || len(b) != len(d) {
		return d, false
	}
	copy(d[:], b)
	return d, true
}

// digestAttr is the extended attribute a file's digest is kept in, as
// "SIZE MTIME-NS HEX": it holds only while the file has that size and
// modification time.
const digestAttr = "user.corobench.sha256"

// digestOf returns the digest of the open file f whose status is info: the
// one the store keeps in memory for that inode, size and modification time,
// else the one kept in its attribute if that still holds, else computed by
// reading f (and kept, if the file system allows).
func (s *Store) digestOf(f *os.File, info os.FileInfo) (Digest, error) {
	key, keyed := keyOf(info)
	if keyed {
		if d, ok := s.digests.get(key); ok {
			return d, nil
		}
	}
	d, err := digestOf(f, info)
	if err == nil && keyed {
		s.digests.put(key, d)
	}
	return d, err
}

// digestOf is the digest of f from its attribute, or read (see
// Store.digestOf).
func digestOf(f *os.File, info os.FileInfo) (Digest, error) {
	var buf [128]byte
	if n, err := getAttr(f, digestAttr, buf[:]); err == nil {
		if d, ok := parseAttr(buf[:n], info); ok {
			return d, nil
		}
	}
	h := sha256.New()
	chunk := GetChunk()
	defer PutChunk(chunk)
	if _, err := io.CopyBuffer(h, io.NewSectionReader(f, 0, info.Size()), *chunk); err != nil {
		return Digest{}, err
	}
	var d Digest
	h.Sum(d[:0])
	if now, err := f.Stat(); err == nil && now.Size() == info.Size() && now.ModTime().Equal(info.ModTime()) {
		keepDigest(f, info, d)
	}
	return d, nil
}

// keepDigest records d in f's attribute; a file system without extended
// attributes just makes the next reader compute it again.
func keepDigest(f *os.File, info os.FileInfo, d Digest) {
	v := fmt.Appendf(nil, "%d %d %x", info.Size(), info.ModTime().UnixNano(), d[:])
	setAttr(f, digestAttr, v)
}

func parseAttr(v []byte, info os.FileInfo) (Digest, bool) {
	var d Digest
	size, v, ok1 := cutInt(v)
	mtime, v, ok2 := cutInt(v)
	if !ok1 || !ok2 || size != info.Size() || mtime != info.ModTime().UnixNano() || len(v) != 2*len(d) {
		return d, false
	}
	if _, err := hex.Decode(d[:], v); err != nil {
		return d, false
	}
	return d, true
}

// cutInt reads a decimal number and the space after it.
func cutInt(v []byte) (int64, []byte, bool) {
	i := bytes.IndexByte(v, ' ')
	if i <= 0 {
		return 0, nil, false
	}
	n, err := strconv.ParseInt(string(v[:i]), 10, 64)
	return n, v[i+1:], err == nil
}

// fileKey names one version of one file: its inode, size and modification
// time. A file replaced or changed has another key.
type fileKey struct {
	dev, ino    uint64
	size, mtime int64
}

// maxDigests bounds the digests a store keeps in memory; when full, it
// starts again empty.
const maxDigests = 4096

// digestCache keeps the digests of the files a store opened, so that a
// file read again costs no attribute read (a system call that, on ext4,
// took a third of a small file's open, stat and read).
type digestCache struct {
	mu sync.Mutex
	m  map[fileKey]Digest
}

func (c *digestCache) get(k fileKey) (Digest, bool) {
	c.mu.Lock()
	d, ok := c.m[k]
	c.mu.Unlock()
	return d, ok
}

func (c *digestCache) put(k fileKey, d Digest) {
	c.mu.Lock()
	if c.m == nil || len(c.m) >= maxDigests {
		c.m = make(map[fileKey]Digest)
	}
	c.m[k] = d
	c.mu.Unlock()
}
