package files

import (
	"hash/crc32"
	"io"
)

// patternSize is the length after which a Pattern repeats.
const patternSize = 64 << 10

// Pattern is deterministic file content: the same seed gives the same
// bytes in every process, so the harness can make a corpus and a client can
// check what it downloads without either keeping the files.
type Pattern struct {
	block [patternSize]byte
}

// NewPattern returns the content of seed: xorshift32 words from seed,
// repeating every 64 KiB.
func NewPattern(seed uint32) *Pattern {
	p := new(Pattern)
	x := seed | 1
	for i := 0; i < patternSize; i += 4 {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		p.block[i], p.block[i+1], p.block[i+2], p.block[i+3] = byte(x), byte(x>>8), byte(x>>16), byte(x>>24)
	}
	return p
}

// SeedOf is the seed of a corpus file's content: a hash of its name.
func SeedOf(name string) uint32 { return crc32.ChecksumIEEE([]byte(name)) }

// ReadAt fills p with the content at offset off; it never fails.
func (p *Pattern) ReadAt(b []byte, off int64) (int, error) {
	n := 0
	for n < len(b) {
		i := int((off + int64(n)) % patternSize)
		n += copy(b[n:], p.block[i:])
	}
	return n, nil
}

// Reader is the first size bytes of the content.
func (p *Pattern) Reader(size int64) io.Reader { return io.NewSectionReader(p, 0, size) }

var castagnoli = crc32.MakeTable(crc32.Castagnoli)
