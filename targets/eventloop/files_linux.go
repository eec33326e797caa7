package eventloop

import (
	"github.com/corobench/corobench/files"
	"github.com/corobench/corobench/internal/poller"
	"github.com/corobench/corobench/protocol"
	"golang.org/x/sys/unix"
)

// File IO runs inline, on the loop's thread: a download's chunk is read
// from its file (pread) when the socket can take it, an upload's bytes are
// written to its file as they arrive, and /disk writes and reads its whole
// file in one go. While the disk works, every connection of the loop
// waits — the single-thread event loop's truth, as in the textbook's
// select servers; the page cache usually hides it.

// stream starts a streamed request (targets.Streamed) whose header was
// the first n bytes of in: it returns the input left and the output so
// far. A download or an upload still under way leaves c sending or
// uploading.
func (l *Loop) stream(c *conn, req *protocol.Request, in, out []byte, n int) ([]byte, []byte) {
	in = in[n:]
	if req.Method == protocol.MethodPut {
		var u *files.Upload
		out, u = l.app.StartUpload(out, req)
		if u == nil { // refused, its body unread
			c.state, c.linger = closing, true
			return nil, out
		}
		c.upload, c.upClose = u, req.Close
		take := int(min(int64(len(in)), u.Remaining()))
		if _, err := u.Write(in[:take]); err != nil {
			return nil, l.finishUpload(c, out, err)
		}
		in = in[take:]
		if u.Remaining() > 0 {
			c.state = uploading
			return in, out
		}
		return in, l.finishUpload(c, out, nil)
	}
	var f *files.File
	out, f = l.app.StartDownload(out, req)
	switch {
	case f != nil:
		c.file, c.fileOff, c.fileClose = f, 0, req.Close
		c.state = sending
	case req.Close:
		c.state, in = closing, nil
	}
	return in, out
}

// finishUpload answers c's upload; failed is why it failed, if it did.
func (l *Loop) finishUpload(c *conn, out []byte, failed error) []byte {
	out, close := l.app.FinishUpload(out, &protocol.Request{Close: c.upClose}, c.upload, failed)
	c.upload = nil
	c.state = reading
	if close {
		c.state, c.linger = closing, failed != nil
	}
	now := l.Tick()
	c.active, c.reqStart = now, now
	return out
}

// readBody takes what arrived of an upload's body into its file, and
// serves what follows it. It reports whether the socket may hold more: it
// did not say EAGAIN.
func (l *Loop) readBody(c *conn) (more bool) {
	n, err := poller.Read(c.fd, l.rbuf)
	switch {
	case err == unix.EAGAIN:
		return false
	case err == unix.EINTR:
		return true
	case n <= 0 || err != nil: // the client hung up mid-body: no file
		l.close(c)
		return false
	}
	c.reqStart = l.Now() // progress: the request timeout runs from here
	in := l.rbuf[:n]
	take := int(min(int64(n), c.upload.Remaining()))
	if _, err := c.upload.Write(in[:take]); err != nil {
		l.send(c, l.finishUpload(c, l.wbuf[:0], err))
		l.settle(c)
		return true
	}
	if c.upload.Remaining() > 0 {
		l.settle(c)
		return true
	}
	l.send(c, l.finishUpload(c, l.wbuf[:0], nil))
	l.serve(c, in[take:])
	return true
}

// pump sends c's file while the socket takes it, a chunk at a time; what a
// chunk's write leaves is read from the file again when the socket is
// writable, so no chunk is kept. Once the file is sent, a download has
// ended c's turn: what it holds of the next requests is answered in
// another (Loop.Again, resume), not here, so that pipelined downloads
// neither nest serve in pump nor escape the turn's bound.
func (l *Loop) pump(c *conn) {
	if l.fbuf == nil {
		l.fbuf = make([]byte, 64<<10)
	}
	for c.file != nil && len(c.out) == 0 && c.fd >= 0 {
		if c.fileOff == c.file.Size() {
			c.file.Close()
			c.file = nil
			c.state = reading
			if c.fileClose {
				c.state = closing
			}
			if c.state == reading && len(c.in) > 0 && !c.more {
				c.more = true
				l.Again(c)
			}
			break
		}
		chunk := l.fbuf[:min(int64(len(l.fbuf)), c.file.Size()-c.fileOff)]
		m, err := c.file.ReadAt(chunk, c.fileOff)
		if m == 0 && err != nil { // the file failed: the answer cannot be finished
			l.close(c)
			return
		}
		sent, ok := l.write(c, chunk[:m])
		if !ok {
			return
		}
		if sent > 0 {
			c.fileOff += int64(sent)
			c.active = l.Now()
		}
		if sent < m {
			break // the socket is full
		}
	}
	l.settle(c)
}

// dropFiles lets go of c's file and upload, if any: the upload leaves
// nothing behind.
func dropFiles(c *conn) {
	if c.upload != nil {
		c.upload.Abort()
		c.upload = nil
	}
	if c.file != nil {
		c.file.Close()
		c.file = nil
	}
}
