package eventloop

import (
	"io"

	"github.com/corobench/corobench/files"
	"github.com/corobench/corobench/internal/poller"
	"github.com/corobench/corobench/protocol"
	"golang.org/x/sys/unix"
)

// File IO runs inline, on the loop's thread, unless the loop has file
// threads (files_offload_linux.go): a download is sent with sendfile(2)
// when the socket can take it, an upload's bytes are written to its file
// as they arrive, and /disk writes and reads its whole file in one go.
// While the disk works, every connection of the loop waits — the
// single-thread event loop's truth, as in the textbook's select servers;
// the page cache usually hides it.

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
	if l.pool != nil {
		l.writeBody(c)
		return false
	}
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

// pump sends c's file while the socket takes it, with sendfile(2): the
// kernel moves the bytes from the page cache to the socket, no chunk passes
// through the loop, and what the socket does not take is sent when it is
// writable. Once the file is sent, a download has ended c's turn: what it
// holds of the next requests is answered in another (Loop.Again, resume),
// not here, so that pipelined downloads neither nest serve in pump nor
// escape the turn's bound.
func (l *Loop) pump(c *conn) {
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
		if l.pool != nil && l.offloadSend(c) {
			return
		}
		sent, err := sendFile(c.fd, c.file, &c.fileOff)
		if sent > 0 {
			c.active = l.Now()
		}
		if err == unix.EAGAIN {
			break // the socket is full
		}
		if err != nil { // the socket or the file failed: the answer cannot be finished
			l.close(c)
			return
		}
	}
	l.settle(c)
}

// sendFile sends f from *off to its end with sendfile(2) on the
// non-blocking socket sock, moving *off past what was sent, until the
// file is sent or the socket is full (unix.EAGAIN) or fails. One call
// takes as much as the socket has room for.
func sendFile(sock int, f *files.File, off *int64) (sent int64, err error) {
	for *off < f.Size() {
		start := *off
		n, err := unix.Sendfile(sock, int(f.Fd()), off, int(min(f.Size()-*off, maxSendfile)))
		sent += *off - start
		switch {
		case err == unix.EINTR:
		case err != nil:
			return sent, err
		case n == 0: // the file is shorter than it was when opened
			return sent, io.ErrUnexpectedEOF
		}
	}
	return sent, nil
}

// maxSendfile bounds one sendfile call, below the kernel's own bound
// (0x7ffff000 bytes).
const maxSendfile = 1 << 30

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
