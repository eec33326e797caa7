package files

import (
	"bytes"
	"errors"
	"hash/crc32"
	"os"
	"sync"
)

// MaxDiskKB bounds the KiB one disk job writes and reads.
const MaxDiskKB = 64 << 10

// diskPattern is what a disk job writes.
var diskPattern = sync.OnceValue(func() *Pattern { return NewPattern(0x1f2e3d4c) })

// DiskSum is the CRC-32C (Castagnoli) of the kb KiB a disk job writes:
// what its answer must carry.
func DiskSum(kb int) uint32 {
	p := diskPattern()
	var sum uint32
	for left := kb << 10; left > 0; left -= patternSize {
		sum = crc32.Update(sum, castagnoli, p.block[:min(left, patternSize)])
	}
	return sum
}

// Disk does the textbook's IO job: it writes kb KiB to a fresh file in the
// root, fsyncs it if sync is set, reads it back, checks it and removes it.
// It returns the CRC-32C of the bytes read back (DiskSum(kb) when all is
// well).
func (s *Store) Disk(kb int, sync bool) (uint32, error) {
	if kb < 0 || kb > MaxDiskKB {
		return 0, ErrTooLarge
	}
	if err := s.acquire(); err != nil {
		return 0, err
	}
	defer s.release()
	name := tempName("disk")
	f, err := s.root.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return 0, classify(err)
	}
	defer s.root.Remove(name)
	defer f.Close()
	p := diskPattern()
	size := kb << 10
	for off := 0; off < size; off += patternSize {
		if _, err := f.Write(p.block[:min(size-off, patternSize)]); err != nil {
			return 0, classify(err)
		}
	}
	if sync {
		if err := f.Sync(); err != nil {
			return 0, classify(err)
		}
	}
	chunk := GetChunk()
	defer PutChunk(chunk)
	var sum uint32
	for off := 0; off < size; off += patternSize {
		b := (*chunk)[:min(size-off, patternSize)]
		if _, err := f.ReadAt(b, int64(off)); err != nil {
			return 0, classify(err)
		}
		if !bytes.Equal(b, p.block[:len(b)]) {
			return 0, errDiskMismatch
		}
		sum = crc32.Update(sum, castagnoli, b)
	}
	return sum, nil
}

var errDiskMismatch = errors.New("files: a disk job read back other bytes than it wrote")
