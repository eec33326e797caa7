package files

import (
	"bytes"
	"crypto/sha256"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func newStore(t *testing.T, opts ...Option) (*Store, string) {
	t.Helper()
	dir := t.TempDir()
	s, err := Open(dir, opts...)
	require.NoError(t, err)
	t.Cleanup(func() { s.Close() })
	return s, dir
}

func put(t *testing.T, s *Store, name string, data []byte) {
	t.Helper()
	u, err := s.Create(name, int64(len(data)))
	require.NoError(t, err)
	_, err = u.Write(data)
	require.NoError(t, err)
	_, err = u.Commit()
	require.NoError(t, err)
}

// read reads the whole named file and checks it against its digest.
func read(t *testing.T, s *Store, name string) []byte {
	t.Helper()
	f, err := s.Get(name)
	require.NoError(t, err)
	defer f.Close()
	b, err := io.ReadAll(io.NewSectionReader(f, 0, f.Size()))
	require.NoError(t, err)
	require.Equal(t, Digest(sha256.Sum256(b)), f.Digest(), "digest of %s", name)
	return b
}

// entries lists the directory as the file system sees it, hidden files too.
func entries(t *testing.T, dir string) []string {
	t.Helper()
	des, err := os.ReadDir(dir)
	require.NoError(t, err)
	var names []string
	for _, de := range des {
		names = append(names, de.Name())
	}
	return names
}

func TestPutGetListRemove(t *testing.T) {
	t.Parallel()
	s, dir := newStore(t)
	put(t, s, "b.txt", []byte("hello\n"))
	put(t, s, "a.bin", bytes.Repeat([]byte{7}, 200_000))
	put(t, s, "empty", nil)
	assert.Equal(t, []byte("hello\n"), read(t, s, "b.txt"))
	assert.Len(t, read(t, s, "a.bin"), 200_000)
	assert.Empty(t, read(t, s, "empty"))

	require.NoError(t, os.WriteFile(filepath.Join(dir, ".hidden"), nil, 0o644))
	require.NoError(t, os.Mkdir(filepath.Join(dir, "sub"), 0o755))
	require.NoError(t, os.Symlink("b.txt", filepath.Join(dir, "link")))
	list, err := s.List()
	require.NoError(t, err)
	assert.Equal(t, []Entry{{"a.bin", 200_000}, {"b.txt", 6}, {"empty", 0}}, list)
	assert.Equal(t, "a.bin 200000\nb.txt 6\nempty 0\n", string(AppendList(nil, list)))

	put(t, s, "b.txt", []byte("replaced"))
	assert.Equal(t, []byte("replaced"), read(t, s, "b.txt"))
	require.NoError(t, s.Remove("b.txt"))
	_, err = s.Get("b.txt")
	assert.ErrorIs(t, err, ErrNotFound)
	assert.ErrorIs(t, s.Remove("b.txt"), ErrNotFound)
	assert.ErrorIs(t, s.Remove("sub"), ErrForbidden)
	assert.ElementsMatch(t, []string{".hidden", "a.bin", "empty", "link", "sub"}, entries(t, dir), "no temporary file left")
}

func TestTraversal(t *testing.T) {
	t.Parallel()
	outside := t.TempDir()
	secret := filepath.Join(outside, "secret")
	require.NoError(t, os.WriteFile(secret, []byte("secret"), 0o644))
	s, dir := newStore(t)
	require.NoError(t, os.Symlink(secret, filepath.Join(dir, "abs-link")))
	require.NoError(t, os.Symlink("../"+filepath.Base(outside)+"/secret", filepath.Join(dir, "rel-link")))
	require.NoError(t, os.Symlink("nowhere", filepath.Join(dir, "dangling")))
	require.NoError(t, os.Mkdir(filepath.Join(dir, "dir"), 0o755))
	require.NoError(t, syscall.Mkfifo(filepath.Join(dir, "fifo"), 0o644))

	for _, name := range []string{"..", ".", "", "/etc/passwd", "../secret", secret, "a/b", "a\x00b", ".hidden"} {
		_, err := s.Get(name)
		assert.ErrorIs(t, err, ErrBadName, "Get(%q)", name)
		_, err = s.Create(name, 1)
		assert.ErrorIs(t, err, ErrBadName, "Create(%q)", name)
		assert.ErrorIs(t, s.Remove(name), ErrBadName, "Remove(%q)", name)
	}
	for _, name := range []string{"abs-link", "rel-link", "dangling", "dir", "fifo"} {
		_, err := s.Get(name)
		assert.ErrorIs(t, err, ErrForbidden, "Get(%q)", name) // the fifo does not block
	}
	// Writing through a link replaces the link, never its target.
	put(t, s, "abs-link", []byte("mine"))
	got, err := os.ReadFile(secret)
	require.NoError(t, err)
	assert.Equal(t, "secret", string(got))
	assert.Equal(t, []byte("mine"), read(t, s, "abs-link"))
	require.NoError(t, s.Remove("rel-link"))
	_, err = os.Stat(secret)
	assert.NoError(t, err, "removing a link removes the link only")
}

func TestUploadBounds(t *testing.T) {
	t.Parallel()
	s, dir := newStore(t, WithMaxUpload(1000))
	_, err := s.Create("big", 1001)
	assert.ErrorIs(t, err, ErrTooLarge)

	u, err := s.Create("cut", 100)
	require.NoError(t, err)
	_, err = u.Write(make([]byte, 60))
	require.NoError(t, err)
	assert.Equal(t, int64(40), u.Remaining())
	_, err = u.Commit()
	assert.ErrorIs(t, err, ErrShort, "a body cut off does not commit")
	_, err = s.Get("cut")
	assert.ErrorIs(t, err, ErrNotFound)

	u, err = s.Create("over", 10)
	require.NoError(t, err)
	_, err = u.Write(make([]byte, 11))
	assert.ErrorIs(t, err, ErrShort)
	_, err = u.Commit()
	assert.ErrorIs(t, err, ErrShort)

	u, err = s.Create("aborted", 10)
	require.NoError(t, err)
	u.Write(make([]byte, 5))
	u.Abort()
	u.Abort()
	assert.Empty(t, entries(t, dir), "nothing is left of failed uploads")
}

func TestOpenFilesBounded(t *testing.T) {
	t.Parallel()
	s, _ := newStore(t, WithMaxOpen(2))
	put(t, s, "a", []byte("a"))
	f1, err := s.Get("a")
	require.NoError(t, err)
	u, err := s.Create("b", 1)
	require.NoError(t, err)
	_, err = s.Get("a")
	assert.ErrorIs(t, err, ErrBusy)
	_, err = s.Create("c", 1)
	assert.ErrorIs(t, err, ErrBusy)
	_, err = s.Disk(1, false)
	assert.ErrorIs(t, err, ErrBusy)
	_, err = s.List()
	assert.ErrorIs(t, err, ErrBusy)
	require.NoError(t, f1.Close())
	require.NoError(t, f1.Close(), "a second Close gives nothing back twice")
	u.Abort()
	for range 3 { // every slot came back
		f, err := s.Get("a")
		require.NoError(t, err)
		f.Close()
	}
}

func TestConcurrentWritersOneName(t *testing.T) {
	t.Parallel()
	s, dir := newStore(t)
	const writers, size = 8, 300_000
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			data := bytes.Repeat([]byte{byte('a' + w)}, size)
			u, err := s.Create("same", size)
			if !assert.NoError(t, err) {
				return
			}
			for off := 0; off < size; off += 1000 { // small writes, so writers interleave
				if _, err := u.Write(data[off : off+1000]); !assert.NoError(t, err) {
					return
				}
			}
			_, err = u.Commit()
			assert.NoError(t, err)
		})
	}
	wg.Wait()
	b := read(t, s, "same")
	require.Len(t, b, size)
	assert.Equal(t, bytes.Repeat(b[:1], size), b, "one writer's whole file")
	assert.Equal(t, []string{"same"}, entries(t, dir))
}

func TestReaderNeverSeesTornFile(t *testing.T) {
	t.Parallel()
	s, _ := newStore(t)
	const size = 256 << 10
	put(t, s, "f", bytes.Repeat([]byte{'0'}, size))
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		for i := 0; ; i++ {
			select {
			case <-done:
				return
			default:
			}
			data := bytes.Repeat([]byte{byte('0' + i%10)}, size)
			u, err := s.Create("f", size)
			if !assert.NoError(t, err) {
				return
			}
			for off := 0; off < size; off += 4096 {
				u.Write(data[off : off+4096])
			}
			_, err = u.Commit()
			assert.NoError(t, err)
		}
	})
	for range 200 {
		f, err := s.Get("f")
		require.NoError(t, err)
		b := make([]byte, f.Size())
		for off := 0; off < len(b); off += 8192 { // slowly, while the name is replaced
			_, err := f.ReadAt(b[off:min(off+8192, len(b))], int64(off))
			require.NoError(t, err)
		}
		require.Equal(t, Digest(sha256.Sum256(b)), f.Digest())
		require.Equal(t, bytes.Repeat(b[:1], size), b, "a whole file, not a mix")
		f.Close()
	}
	close(done)
	wg.Wait()
}

func TestDigestWithoutAttribute(t *testing.T) {
	t.Parallel()
	s, dir := newStore(t)
	data := []byte(strings.Repeat("plain file ", 10_000))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "plain"), data, 0o644))
	assert.Equal(t, data, read(t, s, "plain"), "computed when missing")
	assert.Equal(t, data, read(t, s, "plain"), "and again, kept or not")
	// Changed in place behind the store's back: the kept digest no longer holds.
	changed := []byte(strings.Repeat("other file ", 10_000))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "plain"), changed, 0o644))
	assert.Equal(t, changed, read(t, s, "plain"))
}

func TestDigestHeader(t *testing.T) {
	t.Parallel()
	d := Digest(sha256.Sum256([]byte("hello")))
	assert.Equal(t, "sha-256=:LPJNul+wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ=:", d.String())
	back, ok := ParseDigest(d.String())
	assert.True(t, ok)
	assert.Equal(t, d, back)
	for _, bad := range []string{"", "sha-256=:", "md5=:AAAA:", "sha-256=:AAAA:", "sha-256=:!!:"} {
		_, ok := ParseDigest(bad)
		assert.False(t, ok, "%q", bad)
	}
}

func TestDisk(t *testing.T) {
	t.Parallel()
	s, dir := newStore(t)
	for _, tc := range []struct {
		kb   int
		sync bool
	}{{0, false}, {1, false}, {100, true}, {1000, false}} {
		sum, err := s.Disk(tc.kb, tc.sync)
		require.NoError(t, err)
		assert.Equal(t, DiskSum(tc.kb), sum, "kb=%d", tc.kb)
	}
	assert.NotEqual(t, DiskSum(1), DiskSum(2))
	_, err := s.Disk(MaxDiskKB+1, false)
	assert.ErrorIs(t, err, ErrTooLarge)
	assert.Empty(t, entries(t, dir), "disk jobs leave nothing")
}

func TestCorpus(t *testing.T) {
	t.Parallel()
	s, _ := newStore(t)
	sets := []Set{{Prefix: "page", Count: 3, Size: 4096}, {Prefix: "big", Count: 1, Size: 200_000}}
	require.NoError(t, s.WriteCorpus(sets))
	list, err := s.List()
	require.NoError(t, err)
	assert.Equal(t, []Entry{{"big-0", 200_000}, {"page-0", 4096}, {"page-1", 4096}, {"page-2", 4096}}, list)
	want := make([]byte, 200_000)
	NewPattern(SeedOf("big-0")).ReadAt(want, 0)
	assert.Equal(t, want, read(t, s, "big-0"))
	assert.NotEqual(t, read(t, s, "page-0"), read(t, s, "page-1"))
}
