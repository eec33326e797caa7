package targets

import (
	"errors"
	"io"
	"os"
	"time"

	"github.com/corobench/corobench/files"
	"github.com/corobench/corobench/protocol"
)

// streamFirst streams the first request buffered, which answer found to be
// streamed.
func (s *session) streamFirst() (done bool, err error) {
	var req protocol.Request
	n, err := protocol.ParseRequest(s.in, &req)
	if err != nil || n == 0 { // cannot be: answer parsed it whole
		return true, err
	}
	return s.stream(&req, n)
}

// stream answers a streamed request (see Streamed) whose header is the
// first n bytes of s.in, on a connection served by ServeConn: a download is
// read from its file and written in chunks, an upload's body read off the
// connection and written to its file. Either blocks the calling thread on
// file IO as on the socket — or, in a coroutine, stalls its loop while the
// file is read or written. done reports that the connection ends.
func (s *session) stream(req *protocol.Request, n int) (done bool, err error) {
	s.in = s.in[n:]
	if req.Method == protocol.MethodPut {
		return s.upload(req)
	}
	var f *files.File
	s.out, f = s.app.StartDownload(s.out, req)
	if err := s.flush(); err != nil || f == nil {
		if f != nil {
			f.Close()
		}
		return err != nil || req.Close, err
	}
	err = s.send(f)
	f.Close()
	return err != nil || req.Close, err
}

// send writes the file's bytes to the connection, a chunk at a time.
func (s *session) send(f *files.File) error {
	chunk := files.GetChunk()
	defer files.PutChunk(chunk)
	for off := int64(0); off < f.Size(); {
		m, err := f.ReadAt((*chunk)[:min(int64(len(*chunk)), f.Size()-off)], off)
		if m > 0 {
			s.extendWrite()
			if _, werr := s.c.Write((*chunk)[:m]); werr != nil {
				return werr
			}
			off += int64(m)
		}
		if err != nil && err != io.EOF {
			return err // the file shrank or failed: the answer is cut short
		}
		if m == 0 {
			return io.ErrUnexpectedEOF
		}
	}
	return nil
}

// upload takes req's body off the connection into its file: first what is
// buffered, then reads of a chunk at a time, each of which must arrive
// within the request timeout. A client that stops sending or hangs up
// leaves no file.
func (s *session) upload(req *protocol.Request) (done bool, err error) {
	var u *files.Upload
	s.out, u = s.app.StartUpload(s.out, req)
	if u == nil {
		return true, s.flush()
	}
	take := int(min(int64(len(s.in)), u.Remaining()))
	_, failed := u.Write(s.in[:take])
	s.in = s.in[take:]
	if failed == nil && u.Remaining() > 0 {
		failed, err = s.readBody(u)
		if err != nil {
			u.Abort()
			return true, bodyFailed(s.c, err)
		}
	}
	var close bool
	s.out, close = s.app.FinishUpload(s.out, req, u, failed)
	s.requestStart = time.Now().UnixNano()
	if err := s.flush(); err != nil || close {
		return true, err
	}
	return false, nil
}

// readBody reads the rest of an upload's body from the connection into u.
// failed is u's failure (the rest of the body is then unread), err the
// connection's.
func (s *session) readBody(u *files.Upload) (failed, err error) {
	chunk := files.GetChunk()
	defer files.PutChunk(chunk)
	for u.Remaining() > 0 {
		if s.dl != nil {
			s.dl.SetReadDeadline(time.Now().Add(s.app.RequestTimeout))
		}
		m, rerr := s.c.Read((*chunk)[:min(int64(len(*chunk)), u.Remaining())])
		if m > 0 {
			if _, werr := u.Write((*chunk)[:m]); werr != nil {
				return werr, nil
			}
		}
		if rerr != nil {
			return nil, rerr
		}
	}
	return nil, nil
}

// bodyFailed says how a connection ends when an upload's body stops
// coming: quietly when the client hung up, with a 408 answer when it
// stalled past the request timeout.
func bodyFailed(c io.Writer, err error) error {
	switch {
	case errors.Is(err, io.EOF):
		return nil
	case errors.Is(err, os.ErrDeadlineExceeded):
		c.Write(protocol.AppendError(nil, ErrRequestTimeout))
		return ErrRequestTimeout
	}
	return err
}
