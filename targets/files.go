package targets

import (
	"errors"
	"strconv"

	"github.com/corobench/corobench/files"
	"github.com/corobench/corobench/protocol"
)

// Streamed reports whether the answer to req is streamed by the model
// rather than appended whole by Respond: a download (GET /files/NAME) or
// an upload (PUT /files/NAME, whose body follows on the connection). A
// model answers it with StartDownload, or StartUpload and FinishUpload.
func Streamed(req *protocol.Request) bool {
	return req.Endpoint == protocol.EndpointFiles && len(req.Name) > 0 && req.Method != protocol.MethodDelete
}

// StartDownload answers the header of GET /files/NAME and returns the file
// whose Size bytes the model sends after it, then closes. A small file
// (SmallFile) is appended whole, and nil returned; so is a refusal when the
// file cannot be served (the connection stays).
func (a *App) StartDownload(dst []byte, req *protocol.Request) ([]byte, *files.File) {
	a.answered.Add(1)
	if a.Files == nil {
		return appendNoRoot(dst, req.Close), nil
	}
	name, err := files.ParseName(string(req.Name))
	var f *files.File
	if err == nil {
		f, err = a.Files.Get(name)
	}
	if err != nil {
		return appendFilesError(dst, err, req.Close), nil
	}
	start := len(dst)
	dst = protocol.AppendFileHeader(dst, f.Size(), f.Digest().String(), req.Close)
	if f.Size() > SmallFile {
		return dst, f
	}
	dst, err = f.ReadAll(dst)
	f.Close()
	if err != nil {
		return appendFilesError(dst[:start], err, true), nil
	}
	return dst, nil
}

// SmallFile is the largest file a download answers whole, read into the
// answer after its header so that both go out in one write (a static
// page); a larger one is streamed by the model a chunk at a time.
const SmallFile = 16 << 10

// StartUpload starts PUT /files/NAME, whose req.StreamLength bytes the
// model writes to the returned upload as they arrive, then answers with
// FinishUpload. When the upload is refused (a bad name, over the limit,
// no root) it appends the refusal and returns nil; the body was not read,
// so the model closes the connection after sending it.
func (a *App) StartUpload(dst []byte, req *protocol.Request) ([]byte, *files.Upload) {
	a.answered.Add(1)
	if a.Files == nil {
		return appendNoRoot(dst, true), nil
	}
	name, err := files.ParseName(string(req.Name))
	var u *files.Upload
	if err == nil {
		u, err = a.Files.Create(name, req.StreamLength)
	}
	if err != nil {
		return appendFilesError(dst, err, true), nil
	}
	return dst, u
}

// FinishUpload answers an upload whose body was all written: it commits
// it and answers 200 with the digest of what was stored. failed is the
// error a Write returned, if any: then the upload is given up and the
// refusal answered, closing the connection, since the rest of the body is
// unread.
func (a *App) FinishUpload(dst []byte, req *protocol.Request, u *files.Upload, failed error) ([]byte, bool) {
	if failed != nil {
		u.Abort()
		return appendFilesError(dst, failed, true), true
	}
	d, err := u.Commit()
	if err != nil {
		return appendFilesError(dst, err, req.Close), req.Close
	}
	return protocol.AppendStatus(dst, 200, req.Close, d.String()), req.Close
}

// respondFiles answers what of /files/ and /disk is answered whole: the
// listing, DELETE, and the disk job.
func (a *App) respondFiles(dst []byte, req *protocol.Request) []byte {
	if a.Files == nil {
		return appendNoRoot(dst, req.Close)
	}
	switch {
	case req.Endpoint == protocol.EndpointDisk:
		sum, err := a.Files.Disk(req.DiskKB, req.DiskSync)
		return a.AppendDisk(dst, req.Close, req.DiskKB, sum, err)
	case len(req.Name) == 0:
		list, err := a.Files.List()
		if err != nil {
			return appendFilesError(dst, err, req.Close)
		}
		body := files.AppendList(nil, list)
		return protocol.AppendResponse(dst, 200, req.Close, body)
	case req.Method == protocol.MethodDelete:
		name, err := files.ParseName(string(req.Name))
		if err == nil {
			err = a.Files.Remove(name)
		}
		if err != nil {
			return appendFilesError(dst, err, req.Close)
		}
		return protocol.AppendStatus(dst, 200, req.Close, "deleted")
	}
	return protocol.AppendStatus(dst, 500, true, "a streamed answer reached Respond")
}

// DiskJob runs /disk?kb=N&sync= away from Respond, for a model that runs
// it elsewhere (a thread pool); AppendDisk answers it.
func (a *App) DiskJob(kb int, sync bool) (uint32, error) {
	a.answered.Add(1)
	if a.Files == nil {
		return 0, errNoRoot
	}
	return a.Files.Disk(kb, sync)
}

// AppendDisk appends the answer to a disk job of kb KiB whose CRC-32C is
// sum, or which failed with err.
func (a *App) AppendDisk(dst []byte, close bool, kb int, sum uint32, err error) []byte {
	if err != nil {
		return appendFilesError(dst, err, close)
	}
	return AppendDiskBody(protocol.AppendHeader(dst, 200, DiskBodyLen(kb), close), kb, sum)
}

// AppendDiskBody appends the body of a /disk answer: "kb=N crc32c=HEX\n",
// HEX being the CRC-32C of the bytes read back (files.DiskSum(N)).
func AppendDiskBody(dst []byte, kb int, sum uint32) []byte {
	dst = append(dst, "kb="...)
	dst = strconv.AppendInt(dst, int64(kb), 10)
	dst = append(dst, " crc32c="...)
	for shift := 28; shift >= 0; shift -= 4 {
		dst = append(dst, "0123456789abcdef"[sum>>shift&0xf])
	}
	return append(dst, '\n')
}

// DiskBodyLen is the length of AppendDiskBody's body for kb.
func DiskBodyLen(kb int) int {
	return len("kb=") + len(strconv.Itoa(kb)) + len(" crc32c=") + 8 + 1
}

func appendNoRoot(dst []byte, close bool) []byte {
	return protocol.AppendStatus(dst, 404, close, errNoRoot.Error())
}

var errNoRoot = errors.New("no file root: serve -root DIR")

// statusOf is the HTTP status of a store's error.
func statusOf(err error) int {
	switch {
	case errors.Is(err, errNoRoot):
		return 404
	case errors.Is(err, files.ErrBadName), errors.Is(err, files.ErrShort):
		return 400
	case errors.Is(err, files.ErrForbidden):
		return 403
	case errors.Is(err, files.ErrNotFound):
		return 404
	case errors.Is(err, files.ErrTooLarge):
		return 413
	case errors.Is(err, files.ErrBusy):
		return 503
	case errors.Is(err, files.ErrNoSpace):
		return 507
	}
	return 500
}

func appendFilesError(dst []byte, err error, close bool) []byte {
	return protocol.AppendStatus(dst, statusOf(err), close, err.Error())
}
