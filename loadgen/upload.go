package loadgen

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"io"
	"os"

	"github.com/corobench/corobench/files"
	"github.com/corobench/corobench/protocol"
)

// bodyFile is a file a request's body is streamed from: opened once for
// the run and read at an offset by every connection sending it, a chunk
// at a time, so that a body larger than memory costs each connection one
// chunk's buffer.
type bodyFile struct {
	path   string
	f      *os.File
	size   int64
	digest files.Digest // of the bytes sent, when verified
}

// uploadChunk is how much of a streamed body a connection reads and
// writes at once: its buffer for sending.
const uploadChunk = 64 << 10

// openBody opens path to stream as a body, and hashes it when its
// answer's digest is to be compared with what was sent.
func openBody(path string, hash bool) (*bodyFile, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("loadgen: body file: %w", err)
	}
	info, err := f.Stat()
	if err == nil && !info.Mode().IsRegular() {
		err = fmt.Errorf("%s is not a regular file", path)
	}
	b := &bodyFile{path: path, f: f, size: info.Size()}
	if err == nil && hash {
		h := sha256.New()
		var n int64
		n, err = io.Copy(h, io.NewSectionReader(f, 0, b.size))
		if err == nil && n != b.size {
			err = fmt.Errorf("%s: read %d of its %d bytes", path, n, b.size)
		}
		h.Sum(b.digest[:0])
	}
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("loadgen: body file: %w", err)
	}
	return b, nil
}

// bodyFiles are the files a run's requests stream their bodies from, each
// opened once.
type bodyFiles map[string]*bodyFile

// openBodies opens the body file of each of rs that has one.
func openBodies(rs []Request, hash bool) (bodyFiles, error) {
	bodies := bodyFiles{}
	for _, r := range rs {
		if r.BodyFile == "" || bodies[r.BodyFile] != nil {
			continue
		}
		b, err := openBody(r.BodyFile, hash)
		if err != nil {
			bodies.close()
			return nil, err
		}
		bodies[r.BodyFile] = b
	}
	return bodies, nil
}

func (bs bodyFiles) close() {
	for _, b := range bs {
		b.f.Close()
	}
}

// sender hands out the bytes of a round of requests to write, part by
// part: requests held whole in memory as they are (joined when there are
// several), and a streamed body in chunks read into its buffer. A round
// without a streamed body is one part.
type sender struct {
	reqs   []*encoded
	i      int   // the request whose bytes come next
	inBody bool  // they are its streamed body's, from off
	off    int64 // sent of that body
	joined []byte
	buf    []byte // a chunk of a body, made at the first
}

// start begins a round of reqs.
func (s *sender) start(reqs []*encoded) {
	s.reqs, s.i, s.inBody, s.off = reqs, 0, false, 0
}

// next returns the round's next bytes to write, valid until the next call,
// or nil at its end. It fails when a body file cannot be read whole, as
// when it shrank during the run.
func (s *sender) next() ([]byte, error) {
	for s.inBody {
		b := s.reqs[s.i].body
		n := min(int64(uploadChunk), b.size-s.off)
		if n == 0 {
			s.inBody = false
			s.i++
			break
		}
		if s.buf == nil {
			s.buf = make([]byte, uploadChunk)
		}
		got, err := b.f.ReadAt(s.buf[:n], s.off)
		if int64(got) < n {
			return nil, fmt.Errorf("loadgen: body file %s: read %d bytes at %d of %d: %v", b.path, got, s.off, b.size, err)
		}
		s.off += n
		return s.buf[:n], nil
	}
	if s.i >= len(s.reqs) {
		return nil, nil
	}
	// Requests i..j-1 are whole in memory; j, if any, has its body to stream.
	j := s.i
	for j < len(s.reqs) && s.reqs[j].body == nil {
		j++
	}
	end := min(j+1, len(s.reqs))
	var out []byte
	if end-s.i == 1 {
		out = s.reqs[s.i].bytes
	} else {
		s.joined = s.joined[:0]
		for _, r := range s.reqs[s.i:end] {
			s.joined = append(s.joined, r.bytes...)
		}
		out = s.joined
	}
	s.i = end
	if j < len(s.reqs) {
		s.i, s.inBody, s.off = j, true, 0
	}
	return out, nil
}

// streams reports whether any of reqs streams its body.
func streams(reqs []*encoded) bool {
	for _, r := range reqs {
		if r.body != nil {
			return true
		}
	}
	return false
}

// maxPutAnswer is the longest answer to an upload kept to compare the
// digest it states with the one sent: "sha-256=:BASE64:" is 54 bytes.
const maxPutAnswer = 128

// checkPut returns ErrDigest when resp, the answer to an upload whose
// bytes' SHA-256 is sent, states another digest of what was stored; a
// corobench target's answer (or any, verifying always) must state one.
func (v Verify) checkPut(sent *files.Digest, resp *protocol.Response) string {
	d, ok := files.ParseDigest(string(bytes.TrimSpace(resp.Body)))
	switch {
	case ok && d != *sent:
		return ErrDigest
	case !ok && (v == VerifyAlways || resp.Corobench):
		return ErrDigest
	}
	return ""
}
