package eventloop

import (
	"bytes"

	"golang.org/x/sys/unix"

	"github.com/corobench/corobench/files"
	"github.com/corobench/corobench/internal/poller"
	"github.com/corobench/corobench/protocol"
)

// With file threads (offload_linux.go), a streamed request's file IO runs
// on them, a step at a time, and the loop does the rest: a download is
// opened there (its header, or a small file whole, built there too), then
// each sendfile call runs there while its socket takes bytes, the loop
// waiting for the socket to be writable between calls; an upload is
// created there, each chunk of its body the loop took off the socket is
// written there, and it is committed there. A job's results go into c
// (c.file, c.fileOff, c.upload), which the loop leaves alone while c is
// offloaded.

// offloadStream hands the start of c's streamed request to the file
// threads; it reports false when their queue is full.
func (l *Loop) offloadStream(c *conn, req *protocol.Request) bool {
	r := protocol.Request{Method: req.Method, Endpoint: req.Endpoint, Name: bytes.Clone(req.Name),
		StreamLength: req.StreamLength, Close: req.Close}
	buf := files.GetChunk()
	var out []byte
	if r.Method == protocol.MethodPut {
		return l.offload(c, func() { out, c.upload = l.app.StartUpload((*buf)[:0], &r) }, func() {
			defer files.PutChunk(buf)
			if c.upload == nil { // refused, its body unread
				c.state, c.linger = closing, true
				l.keep(c, nil)
				l.send(c, out)
				l.settle(c)
				return
			}
			c.upClose = r.Close
			l.writeBody(c)
		})
	}
	return l.offload(c, func() { out, c.file = l.app.StartDownload((*buf)[:0], &r) }, func() {
		defer files.PutChunk(buf)
		if c.file == nil {
			l.answer(c, r.Close, out)
			return
		}
		c.state, c.fileOff, c.fileClose = sending, 0, r.Close
		c.active = l.Now()
		l.send(c, out)
		if len(c.out) == 0 {
			l.pump(c)
			return
		}
		l.settle(c)
	})
}

// offloadSend hands one sendfile call of c's download to the file threads:
// it sends what the socket takes.
func (l *Loop) offloadSend(c *conn) bool {
	fd, f := c.fd, c.file
	var sent int64
	var err error
	return l.offload(c, func() { sent, err = sendFile(fd, f, &c.fileOff) }, func() {
		c.state = sending
		if sent > 0 {
			c.active = l.Now()
		}
		switch {
		case err == unix.EAGAIN: // the socket is full
			l.settle(c)
		case err != nil:
			l.close(c)
		default:
			l.pump(c) // all sent: the download ends
		}
	})
}

// writeBody hands the next bytes of c's upload to the file threads: those
// c holds after the request, else what its socket has. Once the body is
// all written, the upload is committed (offloadFinish).
func (l *Loop) writeBody(c *conn) {
	u := c.upload
	for c.fd >= 0 {
		if u.Remaining() == 0 {
			l.offloadFinish(c, nil)
			return
		}
		buf := files.GetChunk()
		b := (*buf)[:min(int64(len(*buf)), u.Remaining())]
		n := copy(b, c.in)
		if n > 0 {
			l.keep(c, c.in[n:])
		} else {
			m, err := poller.Read(c.fd, b)
			switch {
			case err == unix.EAGAIN || err == unix.EINTR:
				files.PutChunk(buf)
				c.state = uploading
				l.settle(c)
				return
			case m <= 0 || err != nil: // the client hung up mid-body: no file
				files.PutChunk(buf)
				l.close(c)
				return
			}
			n = m
			c.reqStart = l.Now() // progress: the request timeout runs from here
		}
		var err error
		if l.offload(c, func() { _, err = u.Write(b[:n]) }, func() {
			files.PutChunk(buf)
			if err != nil {
				l.offloadFinish(c, err)
				return
			}
			l.writeBody(c)
		}) {
			return
		}
		// The threads' queue is full: write inline.
		_, err = u.Write(b[:n])
		files.PutChunk(buf)
		if err != nil {
			l.offloadFinish(c, err)
			return
		}
	}
}

// offloadFinish hands the commit of c's upload, or its abort when it
// failed, to the file threads, and answers it when done.
func (l *Loop) offloadFinish(c *conn, failed error) {
	u, req := c.upload, &protocol.Request{Close: c.upClose}
	buf := files.GetChunk()
	var out []byte
	var close bool
	if !l.offload(c, func() { out, close = l.app.FinishUpload((*buf)[:0], req, u, failed) }, func() {
		defer files.PutChunk(buf)
		c.upload = nil
		c.linger = close && failed != nil
		l.answer(c, close, out)
	}) {
		files.PutChunk(buf)
		l.send(c, l.finishUpload(c, l.wbuf[:0], failed))
		l.serve(c, c.in)
	}
}
