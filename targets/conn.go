package targets

import (
	"context"
	"errors"
	"io"
	"os"
	"sync"
	"time"

	"github.com/corobench/corobench/protocol"
)

// Sizes of a connection's buffers, in every model: reads start in a small
// pooled buffer that grows only for a large request, to one whole request of
// the largest size the parser accepts.
const (
	BufferSize = 4 << 10
	MaxBuffer  = protocol.MaxHeaderBytes + protocol.MaxBodyBytes
)

var bufPool = sync.Pool{New: func() any { b := make([]byte, 0, BufferSize); return &b }}

func getBuffer() *[]byte { return bufPool.Get().(*[]byte) }

func putBuffer(b *[]byte) {
	if b == nil || cap(*b) != BufferSize {
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
// reads like Read, but takes the buffer from buf only when it tries to read,
// and gives it back when the attempt finds nothing (before it waits). It
// fails as Read would at the read deadline.
type IdleReader interface {
	ReadIdle(buf Lender) (int, error)
}

// Lender lends an IdleReader the buffer to read into.
type Lender interface {
	// Take returns the buffer, taking one from the pool if none is held.
	Take() []byte
	// Give returns the buffer to the pool.
	Give()
}

// ServeConn serves one connection sequentially, as every blocking model does:
// read what arrived, answer each whole request in order (pipelined requests
// included), waiting with wait where a request asks it, until the client
// closes, asks to close or sends a bad request, or ctx ends between requests.
// After a bad request it returns the *protocol.Error it answered, so that the
// caller can close gently (see Linger). The caller closes c. To stop a
// connection blocked in Read when ctx ends, the model makes that Read return
// (a deadline, a shutdown).
//
// The connection's state lives in one small heap object rather than in the
// frames of a long function: a goroutine serving a connection then keeps
// Go's smallest stack (2 KiB) for its whole life, which is most of what an
// idle connection costs.
func (a *App) ServeConn(ctx context.Context, c io.ReadWriter, wait func(time.Duration)) error {
	s := a.newSession(c, wait)
	err := s.serve(ctx)
	s.Give()
	return err
}

// session is one connection served by ServeConn.
type session struct {
	app          *App
	c            io.ReadWriter
	dl           Deadliner  // nil when c cannot bound its reads in time
	idle         IdleReader // nil when c cannot wait without a buffer
	wait         func(time.Duration)
	inp, outp    *[]byte // pooled buffers; nil while an IdleReader waits
	in, out      []byte  // unanswered input, unsent output
	requestStart int64   // when the first byte of the buffered request arrived, in Unix ns (a time.Time is 24 bytes)
	writeDue     int64   // the write deadline set, in Unix ns; see extendWrite
	served       int     // the requests answered in this turn; see answer
	// req is the request being answered; it lives here, not in answer's
	// frame, so the stack of every request stays within Go's smallest.
	req protocol.Request
}

// newSession returns the session of c, holding its buffers.
func (a *App) newSession(c io.ReadWriter, wait func(time.Duration)) *session {
	s := &session{app: a, c: c, wait: wait}
	s.dl, _ = c.(Deadliner)
	s.idle, _ = c.(IdleReader)
	s.Take()
	return s
}

// Take implements Lender.
func (s *session) Take() []byte {
	if s.inp == nil {
		s.inp, s.outp = getBuffer(), getBuffer()
		s.in, s.out = (*s.inp)[:0], (*s.outp)[:0]
	}
	return (*s.inp)[:cap(*s.inp)]
}

// Give implements Lender.
func (s *session) Give() {
	putBuffer(s.inp)
	putBuffer(s.outp)
	s.inp, s.outp, s.in, s.out = nil, nil, nil, nil
}

// serve is ServeConn's loop.
func (s *session) serve(ctx context.Context) error {
	for {
		if done, err := s.answerAll(); done || err != nil {
			return err
		}
		if len(s.in) == 0 {
			if ctx.Err() != nil {
				return nil
			}
			s.out = (*s.outp)[:0] // a buffer grown for large answers is let go between requests
		}
		err := s.prepareRead(ctx)
		if err == nil {
			err = s.read()
		}
		if err != nil {
			return readFailed(ctx, s.c, s.in, err)
		}
	}
}

// answerAll answers every whole request buffered, in order, and sends the
// answers, waiting and yielding as answer asks. done reports that the
// connection ends: the client asked to close, or sent a bad request (then
// err is the *protocol.Error answered).
func (s *session) answerAll() (done bool, err error) {
	waited, turn := false, s.requestStart
	s.served = 0
	for {
		next, wait, refused := s.answer(waited, turn)
		waited = false
		if err := s.flush(); err != nil {
			return true, err
		}
		switch next {
		case readMore:
			return false, nil
		case closeConn:
			return true, refused
		case waitFirst:
			s.wait(wait)
			waited, turn, s.served = true, time.Now().UnixNano(), 0
		case streamNext:
			if done, err := s.streamFirst(); done || err != nil {
				return true, err
			}
			s.served++
		case endTurn:
			if y, ok := s.c.(Yielder); ok {
				y.Yield()
			}
			turn, s.served = time.Now().UnixNano(), 0
		}
	}
}

// step is what answerAll does once answer returns: it always sends the
// answers first.
type step uint8

const (
	readMore   step = iota // every whole request is answered: read more
	sendMore               // the output reached OutputWindow: answer more once it is sent
	endTurn                // a turn is over (TurnRequests, TurnTime): yield, if c is a Yielder, then answer more
	waitFirst              // the first request buffered waits first: wait, then answer more
	streamNext             // the first request buffered is streamed (see Streamed): stream it, then answer more
	closeConn              // the connection ends: the client asked to close, or sent a bad request
)

// answer answers the whole requests buffered, in order, into s.out, until
// it needs answerAll to do the next step. waited reports that the first
// request has had its wait; turn is when the turn began, in Unix ns. After
// a bad request it returns closeConn and the *protocol.Error it answered.
//
// So that a client holds at most one answer past OutputWindow, and that the
// answers of a long pipeline go out while it is answered, answer returns at
// the window and at the end of each turn (TurnRequests answered since the
// turn began, s.served, or TurnTime since turn); answerAll sends and comes
// back. A turn goes on across the window and a streamed answer: only a
// wait or a yield lets the others on the loop have theirs.
func (s *session) answer(waited bool, turn int64) (next step, wait time.Duration, refused error) {
	for ; ; s.served++ {
		if len(s.out) >= OutputWindow {
			return sendMore, 0, nil
		}
		req := &s.req
		*req = protocol.Request{}
		n, err := protocol.ParseRequest(s.in, req)
		if err != nil {
			s.out = protocol.AppendError(s.out, err)
			return closeConn, 0, err // a refused request ends the connection, not the server
		}
		if n == 0 {
			return readMore, 0, nil
		}
		if s.served >= TurnRequests || s.requestStart-turn >= int64(TurnTime) {
			return endTurn, 0, nil // the next call parses this request again
		}
		if Streamed(req) {
			return streamNext, 0, nil // the next call parses this request again
		}
		if d := req.Wait(); d > 0 && !waited {
			return waitFirst, d, nil
		}
		waited = false
		s.out = s.app.Respond(s.out, req)
		s.in = s.in[n:]
		s.requestStart = time.Now().UnixNano()
		if req.Close {
			return closeConn, 0, nil
		}
	}
}

// prepareRead makes room for more input and sets the read deadline: the
// idle timeout when no request is buffered, else the request timeout.
func (s *session) prepareRead(ctx context.Context) error {
	var err error
	if s.in, err = compact(s.in, s.inp); err != nil {
		return err
	}
	if s.dl != nil {
		s.dl.SetReadDeadline(s.app.ReadDeadline(time.Now(), time.Unix(0, s.requestStart), len(s.in) > 0))
		if ctx.Err() != nil { // the model may have set "now" just before
			s.dl.SetReadDeadline(time.Now())
		}
	}
	return nil
}

// read reads more input; an IdleReader waits for a new request without
// holding the buffers.
func (s *session) read() error {
	var m int
	var err error
	if s.idle != nil && len(s.in) == 0 {
		s.Give()
		m, err = s.idle.ReadIdle(s)
		s.Take()
	} else {
		m, err = s.c.Read(s.in[len(s.in):cap(s.in)])
	}
	if len(s.in) == 0 && m > 0 {
		s.requestStart = time.Now().UnixNano()
	}
	s.in = s.in[:len(s.in)+m]
	return err
}

// flush sends the answers buffered, the write deadline extended first.
func (s *session) flush() error {
	if len(s.out) == 0 {
		return nil
	}
	s.extendWrite()
	_, err := s.c.Write(s.out)
	s.out = s.out[:0]
	return err
}

// writeDeadliner is a connection whose writes are bounded by a deadline (a
// net.Conn). A blocking socket and a coroutine's socket bound their writes
// themselves, by the time a write makes no progress.
type writeDeadliner interface {
	SetWriteDeadline(t time.Time) error
}

// extendWrite keeps a net.Conn's write deadline at least half the write
// timeout ahead: moved on only when less is left, it costs a timer update
// per half timeout rather than one per answer.
func (s *session) extendWrite() {
	w, ok := s.c.(writeDeadliner)
	if !ok {
		return
	}
	if now := time.Now().UnixNano(); s.writeDue-now < int64(s.app.WriteTimeout/2) {
		s.writeDue = now + int64(s.app.WriteTimeout)
		w.SetWriteDeadline(time.Unix(0, s.writeDue))
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
		c.Write(protocol.AppendError(nil, ErrRequestTimeout))
		return ErrRequestTimeout
	case errors.Is(err, os.ErrDeadlineExceeded):
		return nil // idle too long: close quietly
	}
	return err
}

// compact makes room after the unread bytes for the next Read: it reuses
// the buffer from its start when it is empty (one grown for a large request
// is let go, and a small one made), moves a small remainder to the front,
// and grows the buffer (up to one whole request) when it is full; a buffer
// that cannot grow takes any remainder shorter than itself.
func compact(in []byte, home *[]byte) ([]byte, error) {
	buf := (*home)[:cap(*home)]
	switch {
	case len(in) == 0 && cap(buf) > BufferSize:
		*home = make([]byte, 0, BufferSize)
		return *home, nil
	case len(in) == 0:
		return buf[:0], nil
	case len(in) < cap(in):
		return in, nil
	case len(in) <= cap(buf)/2, cap(buf) >= MaxBuffer && len(in) < cap(buf):
		return buf[:copy(buf, in)], nil
	case cap(buf) >= MaxBuffer:
		return nil, errBufferFull
	}
	grown := make([]byte, len(in), min(2*cap(buf), MaxBuffer))
	copy(grown, in)
	*home = grown[:0]
	return grown, nil
}

// ErrRequestTimeout is the answer (408) to a request that did not arrive in
// time: see App.RequestTimeout.
var ErrRequestTimeout = &protocol.Error{Status: 408, Reason: "request not received in time"}

// errBufferFull is a buffer of MaxBuffer bytes holding one unfinished
// request. The parser refuses a request larger than its bounds, which
// MaxBuffer fits, before that; the error guards the read loop against
// spinning on a zero-length read should the bounds ever change.
var errBufferFull = errors.New("targets: request buffer full")
