package conformancetest

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/corobench/corobench/files"
	"github.com/corobench/corobench/targets"
)

// FilesApp returns the App of an in-process test target that serves a
// fresh root, and the root, for RunFiles.
func FilesApp(t *testing.T, model string) (*targets.App, string) {
	t.Helper()
	root := t.TempDir()
	store, err := files.Open(root)
	require.NoError(t, err)
	t.Cleanup(func() { store.Close() })
	app := App(model)
	app.Files = store
	return app, root
}

func put(name, body string) string {
	return fmt.Sprintf("PUT /files/%s HTTP/1.1\r\nHost: t\r\nContent-Length: %d\r\n\r\n%s", name, len(body), body)
}

func digestBody(body string) string {
	return files.Digest(sha256.Sum256([]byte(body))).String() + "\n"
}

// FilesCases is the suite of the file endpoints, for a target serving root
// (an empty directory) with the default upload limit.
func FilesCases(model, root string) []Case {
	kept := func(status int) Want { return Want{Status: status, KeepAlive: true} }
	return []Case{
		{Name: "files: put, get, delete on one connection",
			Send: []string{put("one.txt", "hello, files\n") + get("/files/one.txt") + get("/files/") +
				"DELETE /files/one.txt HTTP/1.1\r\nHost: t\r\n\r\n" + get("/files/one.txt") + get("/health")},
			Want: []Want{{Status: 200, Body: digestBody("hello, files\n")}, {Status: 200, Body: "hello, files\n"},
				{Status: 200, Check: listed("one.txt 13\n")}, {Status: 200, Body: "deleted\n"}, kept(404),
				{Status: 200, Body: model + "\n"}}},
		{Name: "files: upload body in pieces", Send: []string{"PUT /files/pieces HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\n012", "3456", "789" + get("/files/pieces")},
			Want: []Want{{Status: 200, Body: digestBody("0123456789")}, {Status: 200, Body: "0123456789"}}},
		{Name: "files: empty file", Send: []string{put("empty", "") + get("/files/empty")},
			Want: []Want{{Status: 200, Body: digestBody("")}, {Status: 200}}},
		{Name: "files: names that leave the root or are not one element",
			Send: []string{get("/files/..") + get("/files/%2e%2e") + get("/files/..%2fetc%2fpasswd") + get("/files/%2Fetc%2Fpasswd") +
				get("/files/a/b") + get("/files/.hidden") + get("/files/a%00b") + get("/files/"+strings.Repeat("n", 256)) +
				get("/files/missing") + get("/files/escape") + get("/health")},
			Want: []Want{kept(400), kept(400), kept(400), kept(400), kept(400), kept(400), kept(400), kept(400),
				kept(404), kept(403), {Status: 200}}},
		{Name: "files: delete of a missing file keeps the connection",
			Send: []string{"DELETE /files/nothing HTTP/1.1\r\nHost: t\r\n\r\n" + get("/health")},
			Want: []Want{kept(404), {Status: 200}}},
		{Name: "files: upload over the limit", Send: []string{fmt.Sprintf("PUT /files/big HTTP/1.1\r\nHost: t\r\nContent-Length: %d\r\n\r\n", files.DefaultMaxUpload+1)},
			Want: []Want{{Status: 413}}, Closed: true},
		{Name: "files: upload with a bad name closes, its body unread", Send: []string{put("..", "xyz")},
			Want: []Want{{Status: 400}}, Closed: true},
		{Name: "files: put to the listing", Send: []string{put("", "x")}, Want: []Want{{Status: 405}}, Closed: true},
		{Name: "disk", Send: []string{get("/disk?kb=256") + get("/disk?kb=64&sync=1") + get("/disk?kb=0")},
			Want: []Want{{Status: 200, Body: diskBody(256)}, {Status: 200, Body: diskBody(64)}, {Status: 200, Body: diskBody(0)}}},
		{Name: "disk too large", Send: []string{get("/disk?kb=65537")}, Want: []Want{{Status: 400}}, Closed: true},
		{Name: "files: large upload and download, streamed", Custom: func(t *testing.T, addr string) { largeRoundTrip(t, addr) }},
		{Name: "files: upload cut off leaves nothing", Custom: func(t *testing.T, addr string) { cutOff(t, addr, root) }},
		{Name: "files: concurrent uploads of one name", Custom: func(t *testing.T, addr string) { concurrentPuts(t, addr) }},
		{Name: "files: replaced during a download", Custom: func(t *testing.T, addr string) { replacedMidDownload(t, addr) }},
	}
}

// RunFiles runs the file suite against the target at addr, which serves
// model from root, an empty directory this process can write.
func RunFiles(t *testing.T, addr, model, root string) {
	t.Helper()
	outside := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(outside, "secret"), []byte("secret"), 0o644))
	require.NoError(t, os.Symlink(filepath.Join(outside, "secret"), filepath.Join(root, "escape")))
	for _, c := range FilesCases(model, root) {
		t.Run(c.Name, func(t *testing.T) { RunCase(t, addr, c) })
	}
}

func diskBody(kb int) string {
	return string(targets.AppendDiskBody(nil, kb, files.DiskSum(kb)))
}

func listed(want string) func(*testing.T, []byte) {
	return func(t *testing.T, body []byte) {
		assert.Contains(t, "\n"+string(body), "\n"+want, "listing")
	}
}

// client is an HTTP client of one connection at a time, bounded in time.
func client() *http.Client {
	return &http.Client{Timeout: Timeout, Transport: &http.Transport{MaxConnsPerHost: 1, DisableCompression: true}}
}

func pattern(seed string, size int) []byte {
	b := make([]byte, size)
	files.NewPattern(files.SeedOf(seed)).ReadAt(b, 0)
	return b
}

func httpPut(t *testing.T, c *http.Client, addr, name string, body []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPut, "http://"+addr+"/files/"+name, bytes.NewReader(body))
	require.NoError(t, err)
	resp, err := c.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	got, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	require.Equal(t, 200, resp.StatusCode, "%s", got)
	assert.Equal(t, files.Digest(sha256.Sum256(body)).String()+"\n", string(got), "digest of what was stored")
}

// httpGet downloads name and checks it against its Content-Length and
// digest header; read, when set, reads the body (slowly, say).
func httpGet(t *testing.T, c *http.Client, addr, name string, read func(io.Reader) ([]byte, error)) []byte {
	t.Helper()
	resp, err := c.Get("http://" + addr + "/files/" + name)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, 200, resp.StatusCode)
	if read == nil {
		read = io.ReadAll
	}
	body, err := read(resp.Body)
	require.NoError(t, err)
	assert.Equal(t, resp.ContentLength, int64(len(body)), "Content-Length")
	d, ok := files.ParseDigest(resp.Header.Get(files.DigestHeader))
	require.True(t, ok, "digest header %q", resp.Header.Get(files.DigestHeader))
	assert.Equal(t, files.Digest(sha256.Sum256(body)), d, "the body matches its digest")
	return body
}

// largeRoundTrip moves a file several times the request buffer's bound
// (protocol.MaxBodyBytes) both ways.
func largeRoundTrip(t *testing.T, addr string) {
	c := client()
	defer c.CloseIdleConnections()
	body := pattern("large", 5<<20+123)
	httpPut(t, c, addr, "large", body)
	assert.True(t, bytes.Equal(body, httpGet(t, c, addr, "large", nil)), "the same bytes back")
	resp, err := c.Get("http://" + addr + "/files/")
	require.NoError(t, err)
	list, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Contains(t, string(list), fmt.Sprintf("large %d\n", len(body)))
}

// cutOff sends half an upload and hangs up: no file appears, and the
// temporary file goes.
func cutOff(t *testing.T, addr, root string) {
	conn, err := net.DialTimeout("tcp", addr, Timeout)
	require.NoError(t, err)
	_, err = io.WriteString(conn, "PUT /files/cut HTTP/1.1\r\nHost: t\r\nContent-Length: 100000\r\n\r\n"+strings.Repeat("x", 50000))
	require.NoError(t, err)
	time.Sleep(50 * time.Millisecond) // let the target take the first half
	conn.Close()
	deadline := time.Now().Add(Timeout)
	for {
		names := dirNames(t, root)
		if !hasPrefixed(names, ".put-") || time.Now().After(deadline) {
			assert.NotContains(t, names, "cut", "a cut-off upload made a file")
			assert.False(t, hasPrefixed(names, ".put-"), "temporary file left: %v", names)
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func dirNames(t *testing.T, dir string) []string {
	des, err := os.ReadDir(dir)
	require.NoError(t, err)
	var names []string
	for _, de := range des {
		names = append(names, de.Name())
	}
	return names
}

func hasPrefixed(names []string, prefix string) bool {
	for _, n := range names {
		if strings.HasPrefix(n, prefix) {
			return true
		}
	}
	return false
}

// concurrentPuts uploads four different bodies to one name at once: one of
// them is the file, whole.
func concurrentPuts(t *testing.T, addr string) {
	const writers, size = 4, 1 << 20
	var wg sync.WaitGroup
	bodies := make([][]byte, writers)
	for i := range writers {
		bodies[i] = pattern(fmt.Sprint("writer-", i), size)
		wg.Go(func() {
			c := client()
			defer c.CloseIdleConnections()
			httpPut(t, c, addr, "same", bodies[i])
		})
	}
	wg.Wait()
	c := client()
	defer c.CloseIdleConnections()
	got := httpGet(t, c, addr, "same", nil)
	whole := false
	for _, b := range bodies {
		whole = whole || bytes.Equal(b, got)
	}
	assert.True(t, whole, "the file is one writer's whole body")
}

// replacedMidDownload reads a file slowly while it is replaced: the
// download is the old file, whole, matching the digest it announced.
func replacedMidDownload(t *testing.T, addr string) {
	old, repl := pattern("old", 2<<20), pattern("new", 2<<20)
	c := client()
	defer c.CloseIdleConnections()
	httpPut(t, c, addr, "swap", old)
	replaced := make(chan struct{})
	slow := func(r io.Reader) ([]byte, error) {
		var out bytes.Buffer
		if _, err := io.CopyN(&out, r, 64<<10); err != nil {
			return nil, err
		}
		go func() { // replace it while the rest is unread
			defer close(replaced)
			c2 := client()
			defer c2.CloseIdleConnections()
			httpPut(t, c2, addr, "swap", repl)
		}()
		// A model serving one connection at a time (loop) takes the upload
		// only after this download; the others while it is unread.
		time.Sleep(100 * time.Millisecond)
		_, err := io.Copy(&out, r)
		return out.Bytes(), err
	}
	got := httpGet(t, c, addr, "swap", slow)
	c.CloseIdleConnections() // loop serves the upload once this connection ends
	<-replaced
	assert.True(t, bytes.Equal(old, got), "the download is the file as it was opened")
	assert.True(t, bytes.Equal(repl, httpGet(t, c, addr, "swap", nil)), "a new download is the new file")
}
