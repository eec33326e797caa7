package conformancetest

import (
	"fmt"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/corobench/corobench/protocol"
)

// FullDiskLimit is the file size limit RunFullDisk's target must run
// under (see LimitFileSize): the uploads and disk jobs it sends are
// larger, and small enough that a target lingering after its refusal
// (targets.Linger reads 256 KiB) takes the rest of the body, so that the
// refusal reaches the client before any reset.
const FullDiskLimit = 64 << 10

// RunFullDisk checks the target at addr, serving root under a file size
// limit of FullDiskLimit, as a full disk: an upload past it and a disk job
// past it are answered 507, the upload's partial file is removed and no
// file appears under its name, and the target goes on serving.
func RunFullDisk(t *testing.T, addr, root string) {
	t.Helper()
	size := 3 * FullDiskLimit
	status, _ := exchange(t, addr, fmt.Sprintf("PUT /files/full HTTP/1.1\r\nHost: t\r\nContent-Length: %d\r\n\r\n%s",
		size, strings.Repeat("x", size)))
	assert.Equal(t, 507, status, "an upload past the disk's room")
	status, _ = exchange(t, addr, get(fmt.Sprintf("/disk?kb=%d", size>>10)))
	assert.Equal(t, 507, status, "a disk job past the disk's room")
	status, body := exchange(t, addr, get("/files/"))
	assert.Equal(t, 200, status)
	assert.Empty(t, body, "the listing after the failures")
	assert.Empty(t, dirNames(t, root), "files left in the root, temporary ones included")
	status, _ = exchange(t, addr, get("/files/full"))
	assert.Equal(t, 404, status)
}

// exchange sends req on a new connection and returns the first answer's
// status and body. A write error is ignored: a target may refuse before it
// read the whole request, and its answer is what is checked.
func exchange(t *testing.T, addr, req string) (int, string) {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, Timeout)
	require.NoError(t, err)
	defer c.Close()
	require.NoError(t, c.SetDeadline(time.Now().Add(Timeout)))
	go io.WriteString(c, req) // the answer may come before the body is all written
	var buf []byte
	tmp := make([]byte, 4096)
	for {
		var resp protocol.Response
		n, err := protocol.ParseResponse(buf, &resp)
		require.NoError(t, err)
		if n > 0 {
			return resp.Status, string(resp.Body)
		}
		m, err := c.Read(tmp)
		buf = append(buf, tmp[:m]...)
		require.NoError(t, err, "reading the answer to %.60q; got %q", req, buf)
	}
}
