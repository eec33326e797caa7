// Package thread is the thread-per-connection model: each accepted connection
// gets an OS thread of its own, which serves it with blocking system calls
// (package blocking) and ends with it. It is Python's ThreadingMixIn, or a C
// server calling pthread_create per connection.
//
// In Go, a thread of one's own is a goroutine that calls runtime.LockOSThread
// and never unlocks: the runtime then destroys the thread when the goroutine
// returns. Its reads, writes and waits are system calls that block the thread
// in the kernel, not goroutine parks. A cap on live threads (MaxConns) keeps
// the excess in the listen backlog.
//
// The chat room is served the same way: over TCP, two threads per member
// (ChatServer); over UDP, one thread blocking in recvfrom(2) reads every
// member's commands and each member has a thread of its own that sends
// its lines with sendto(2) (ChatDatagramServer).
//
// A thread blocked in a system call holds no Go P, but one that wakes needs a
// P to run Go code; with few Ps the threads would queue in Go's scheduler, a
// lock much like Python's GIL. GOMAXPROCS gives the threads Ps of their own
// (up to blocking.MaxThreadProcs), so that the kernel decides which thread
// runs, as it would in C.
package thread

import (
	"github.com/corobench/corobench/targets"
	"github.com/corobench/corobench/targets/internal/blocking"
)

// DefaultMaxThreads caps the live connection threads when Config.MaxConns is
// zero; it stays well under the runtime's limit (debug.SetMaxThreads, 10,000).
const DefaultMaxThreads = 2000

// Server serves each connection on an OS thread of its own.
type Server struct {
	app *targets.App
	max int
}

var _ targets.Server = (*Server)(nil)

// New returns a thread-per-connection server.
func New(cfg targets.Config) *Server {
	return &Server{app: cfg.App, max: maxThreads(cfg)}
}

func maxThreads(cfg targets.Config) int {
	if cfg.MaxConns > 0 {
		return cfg.MaxConns
	}
	return DefaultMaxThreads
}

// GOMAXPROCS is the GOMAXPROCS the model runs under: see
// blocking.GOMAXPROCS.
func GOMAXPROCS(cfg targets.Config) int {
	return blocking.GOMAXPROCS(maxThreads(cfg))
}
