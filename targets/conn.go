package targets

import (
	"context"
	"errors"
	"io"
	"os"
	"sync"
	"time"

	"github.com/corobench/corobench/targets/protocol"
)

// Buffer sizes of a connection: reads start in a small pooled buffer that
// grows only for a large request.
const (
	initialBuffer = 4 << 10
	maxBuffer     = protocol.MaxHeaderBytes + protocol.MaxBodyBytes
)

var bufPool = sync.Pool{New: func() any { b := make([]byte, 0, initialBuffer); return &b }}

func getBuffer() *[]byte { return bufPool.Get().(*[]byte) }

func putBuffer(b *[]byte) {
	if b == nil || cap(*b) != initialBuffer {
		return // grown for one large request: let it go
	}
	*b = (*b)[:0]
	bufPool.Put(b)
}

// Deadliner is a connection whose reads can be bounded in time. net.Conn is
// one; a model with its own connection type (a raw blocking socket, a
// coroutine's socket) implements it so that ServeConn can enforce the idle and
// request timeouts. A read past the deadline returns an error that satisfies
// errors.Is(err, os.ErrDeadlineExceeded).
type Deadliner interface {
	SetReadDeadline(t time.Time) error
}

// IdleReader is a connection that can wait for its next request without
// holding a buffer: ServeConn gives its buffers back to the pool before it
// calls ReadIdle, so an idle connection costs no buffer memory. ReadIdle
// reads like Read, but takes the buffer with take only when it tries to read,
// and gives it back with give when the attempt finds nothing (before it
// waits). It fails as Read would at the read deadline.
type IdleReader interface {
	ReadIdle(take func() []byte, give func()) (int, error)
}

// ServeConn serves one connection sequentially, as every blocking model does:
// read what arrived, answer each whole request in order (pipelined requests
// included), waiting with wait where a request asks it, until the client
// closes, asks to close or sends a bad request, or ctx ends between requests.
// After a bad request it returns the *protocol.Error it answered, so that the
// caller can close gently (see Linger). The caller closes c. To stop a connection blocked in Read when ctx ends,
// the model makes that Read return (a deadline, a shutdown).
func (a *App) ServeConn(ctx context.Context, c io.ReadWriter, wait func(time.Duration)) error {
	inp, outp := getBuffer(), getBuffer()
	defer func() { putBuffer(inp); putBuffer(outp) }()
	in, out := *inp, *outp
	dl, _ := c.(Deadliner)
	idle, _ := c.(IdleReader)
	take := func() []byte {
		if inp == nil {
			inp, outp = getBuffer(), getBuffer()
		}
		return (*inp)[:cap(*inp)]
	}
	give := func() {
		putBuffer(inp)
		putBuffer(outp)
		inp, outp = nil, nil
	}
	var requestStart time.Time // when the first byte of the buffered request arrived
	for {
		var req protocol.Request
		n, err := protocol.ParseRequest(in, &req)
		if err != nil {
			out = protocol.AppendError(out, err)
			if _, werr := c.Write(out); werr != nil {
				return werr
			}
			return err // a refused request ends the connection, not the server
		}
		if n > 0 {
			if d := req.Wait(); d > 0 {
				if out, err = flush(c, out); err != nil {
					return err
				}
				wait(d)
			}
			out = a.Respond(out, &req)
			in = in[n:]
			requestStart = time.Now()
			if req.Close {
				_, err := flush(c, out)
				return err
			}
			continue
		}
		// Every whole request is answered: send, then read more.
		if out, err = flush(c, out); err != nil {
			return err
		}
		if len(in) == 0 && ctx.Err() != nil {
			return nil
		}
		if in, err = compact(in, inp); err != nil {
			return err
		}
		if dl != nil {
			dl.SetReadDeadline(a.ReadDeadline(time.Now(), requestStart, len(in) > 0))
			if ctx.Err() != nil { // the model may have set "now" just before
				dl.SetReadDeadline(time.Now())
			}
		}
		var m int
		if idle != nil && len(in) == 0 {
			give()
			m, err = idle.ReadIdle(take, give)
			take()
			in, out = (*inp)[:0], (*outp)[:0]
		} else {
			m, err = c.Read(in[len(in):cap(in)])
		}
		if len(in) == 0 && m > 0 {
			requestStart = time.Now()
		}
		in = in[:len(in)+m]
		if err != nil {
			return readFailed(ctx, c, in, err)
		}
	}
}

// readFailed says how a connection ends after a failed read, given the bytes
// of a request still buffered: quietly at EOF, at shutdown or after an idle
// timeout; with a 408 answer when a request took too long to arrive.
func readFailed(ctx context.Context, c io.Writer, in []byte, err error) error {
	switch {
	case errors.Is(err, io.EOF) || ctx.Err() != nil:
		return nil
	case errors.Is(err, os.ErrDeadlineExceeded) && len(in) > 0:
		c.Write(protocol.AppendError(nil, errRequestTimeout))
		return errRequestTimeout
	case errors.Is(err, os.ErrDeadlineExceeded):
		return nil // idle too long: close quietly
	}
	return err
}

// compact makes room after the unread bytes for the next Read: it reuses
// the buffer from its start when it is empty, moves a small remainder to the
// front, and grows the buffer (up to one whole request) when it is full.
func compact(in []byte, home *[]byte) ([]byte, error) {
	buf := (*home)[:cap(*home)]
	switch {
	case len(in) == 0:
		return buf[:0], nil
	case len(in) < cap(in):
		return in, nil
	case len(in) <= cap(buf)/2:
		return buf[:copy(buf, in)], nil
	case cap(buf) >= maxBuffer:
		return nil, errBufferFull
	}
	grown := make([]byte, len(in), min(2*cap(buf), maxBuffer))
	copy(grown, in)
	*home = grown[:0]
	return grown, nil
}

// errRequestTimeout answers a request that did not arrive in time.
var errRequestTimeout = &protocol.Error{Status: 408, Reason: "request not received in time"}

// errBufferFull cannot happen while the parser's bounds fit maxBuffer; it
// guards the read loop against spinning on a zero-length read.
var errBufferFull = errors.New("targets: request buffer full")

func flush(w io.Writer, out []byte) ([]byte, error) {
	if len(out) == 0 {
		return out, nil
	}
	_, err := w.Write(out)
	return out[:0], err
}
