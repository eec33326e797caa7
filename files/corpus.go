package files

import (
	"fmt"
	"io"
)

// Set is a group of corpus files: Count files of Size bytes named
// PREFIX-0, PREFIX-1, …, each holding the Pattern of its name's seed.
type Set struct {
	Prefix string
	Count  int
	Size   int64
}

// Name is the name of the i-th file of the set.
func (c Set) Name(i int) string { return fmt.Sprintf("%s-%d", c.Prefix, i) }

// WriteCorpus fills the store with the sets' files, through uploads, so
// each carries its digest. Names that exist are replaced.
func (s *Store) WriteCorpus(sets []Set) error {
	for _, c := range sets {
		for i := range c.Count {
			name := c.Name(i)
			u, err := s.Create(name, c.Size)
			if err != nil {
				return fmt.Errorf("files: corpus file %s: %w", name, err)
			}
			chunk := GetChunk()
			_, err = io.CopyBuffer(u, NewPattern(SeedOf(name)).Reader(c.Size), *chunk)
			PutChunk(chunk)
			if err == nil {
				_, err = u.Commit()
			}
			if err != nil {
				u.Abort()
				return fmt.Errorf("files: corpus file %s: %w", name, err)
			}
		}
	}
	return nil
}
