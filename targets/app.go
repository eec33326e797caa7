package targets

import (
	"strconv"
	"sync/atomic"
	"time"

	"github.com/corobench/corobench/files"
	"github.com/corobench/corobench/protocol"
	"github.com/corobench/corobench/work"
)

// Default bounds on a connection's time, which every model enforces.
const (
	// DefaultIdleTimeout is how long a connection may wait between
	// requests before the server closes it.
	DefaultIdleTimeout = 60 * time.Second
	// DefaultRequestTimeout is how long a request may take to arrive,
	// from its first byte to its last: a client sending a byte a second
	// (slowloris) is cut off, answered 408.
	DefaultRequestTimeout = 10 * time.Second
	// DefaultWriteTimeout is how long an answer may wait for a client
	// that does not read: a write that makes no progress for that long
	// fails and the connection closes. It is under the idle timeout.
	DefaultWriteTimeout = 10 * time.Second
	// DefaultShutdownGrace is how long a stopping server lets its
	// connections finish what they were doing; then it closes those
	// still open, whatever their clients do. It is under the harness's
	// stop timeout.
	DefaultShutdownGrace = 3 * time.Second
)

// App answers requests the same way for every model.
type App struct {
	// Model is the name /health answers with.
	Model string
	// Rate turns /cpu?us=N into units of work; every target of one run gets
	// the same rate, so they all do the same work.
	Rate work.Rate
	// IdleTimeout, RequestTimeout and WriteTimeout bound a connection's
	// time, ShutdownGrace a stopping server's; see the defaults.
	IdleTimeout    time.Duration
	RequestTimeout time.Duration
	WriteTimeout   time.Duration
	ShutdownGrace  time.Duration
	// Files is the store /files/ and /disk serve (serve -root); nil
	// answers them 404.
	Files *files.Store

	// answered counts the requests this process answered (but /stats), so
	// a load generator's count can be checked against the target's own.
	answered atomic.Int64
	// dropped counts the datagrams dropped with no id to answer to.
	dropped atomic.Int64
	// refused counts the connections this process turned away unserved
	// (select's descriptors past FD_SETSIZE): see Refused.
	refused atomic.Int64
}

// NewApp returns an App for the named model doing work at rate, with the
// default timeouts.
func NewApp(model string, rate work.Rate) *App {
	return &App{Model: model, Rate: rate, IdleTimeout: DefaultIdleTimeout, RequestTimeout: DefaultRequestTimeout,
		WriteTimeout: DefaultWriteTimeout, ShutdownGrace: DefaultShutdownGrace}
}

// ReadDeadline is when the next read must have arrived: the idle timeout
// from now when nothing of a request is buffered, else the request timeout
// from when its first byte arrived.
func (a *App) ReadDeadline(now, requestStart time.Time, buffered bool) time.Time {
	if !buffered {
		return now.Add(a.IdleTimeout)
	}
	return requestStart.Add(a.RequestTimeout)
}

// filler is what GET /echo?size=N answers with.
var filler = func() []byte {
	b := make([]byte, 4096)
	for i := range b {
		b[i] = 'a' + byte(i%26)
	}
	return b
}()

// Respond does the request's CPU work, if any, and appends its response to
// dst. The model must already have waited req.Wait(), in its own way.
//
// GET /stats answers "requests N" and "refused M" on two lines, N being the
// requests this process has answered before, /stats excluded, and M the
// connections it refused (Refused). A multi-process model answers for the
// process that got the request; such a model sums its processes' counts by
// its own means (a shared counter, or asking each).
func (a *App) Respond(dst []byte, req *protocol.Request) []byte {
	if req.Endpoint == protocol.EndpointStats {
		return a.respondStats(dst, req)
	}
	a.answered.Add(1)
	switch req.Endpoint {
	case protocol.EndpointHealth:
		dst = protocol.AppendHeader(dst, 200, len(a.Model)+1, req.Close)
		dst = append(dst, a.Model...)
		return append(dst, '\n')
	case protocol.EndpointCPU, protocol.EndpointMix:
		return a.respondCPU(dst, req)
	case protocol.EndpointIO:
		return protocol.AppendResponse(dst, 200, req.Close, ioBody)
	case protocol.EndpointFiles, protocol.EndpointDisk:
		return a.respondFiles(dst, req)
	case protocol.EndpointEcho:
		if req.Method == protocol.MethodPost {
			return protocol.AppendResponse(dst, 200, req.Close, req.Body)
		}
		return appendFiller(protocol.AppendHeader(dst, 200, req.Size, req.Close), req.Size)
	}
	return protocol.AppendError(dst, errUnknownEndpoint)
}

// respondStats is kept out of Respond (noinline), and writes its header
// and body without a scratch array or a nested call, so that the frames on
// the stack of every request stay small (see ServeConn).
//
//go:noinline
func (a *App) respondStats(dst []byte, req *protocol.Request) []byte {
	n, refused := a.answered.Load(), a.refused.Load()
	size := len(statsRequests) + 1 + len(statsRefused) + 1 + 1 // one digit each, and the last newline
	for v := n; v >= 10; v /= 10 {
		size++
	}
	for v := refused; v >= 10; v /= 10 {
		size++
	}
	dst = protocol.AppendHeader(dst, 200, size, req.Close)
	dst = append(dst, statsRequests...)
	dst = strconv.AppendInt(dst, n, 10)
	dst = append(dst, statsRefused...)
	dst = strconv.AppendInt(dst, refused, 10)
	return append(dst, '\n')
}

const (
	statsRequests = "requests "
	statsRefused  = "\nrefused "
)

// Refused counts a connection turned away unserved, for /stats; the model
// answers it ErrRefused when it can.
func (a *App) Refused() { a.refused.Add(1) }

// ErrRefused is the answer (503) to a connection a model cannot serve, such
// as select's past FD_SETSIZE.
var ErrRefused = &protocol.Error{Status: 503, Reason: "connection refused: the server cannot watch more descriptors"}

func (a *App) respondCPU(dst []byte, req *protocol.Request) []byte {
	units := a.cpuUnits(req)
	dst = protocol.AppendHeader(dst, 200, protocol.CPUBodyLen(units), req.Close)
	return protocol.AppendCPUBody(dst, units, work.Spin(units))
}

// cpuUnits is the CPU work req asks for, in units: its n, or its µs at
// the App's rate.
func (a *App) cpuUnits(req *protocol.Request) uint64 {
	if req.CPUUnits != 0 {
		return uint64(req.CPUUnits)
	}
	return a.Rate.Units(req.CPUMicros)
}

// appendFiller appends the n bytes of GET /echo?size=n's body.
func appendFiller(dst []byte, n int) []byte {
	for n > 0 {
		chunk := filler[:min(n, len(filler))]
		dst = append(dst, chunk...)
		n -= len(chunk)
	}
	return dst
}

var (
	ioBody             = []byte("ok\n")
	errUnknownEndpoint = &protocol.Error{Status: 500, Reason: "unknown endpoint"}
)
