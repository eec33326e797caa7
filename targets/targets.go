// Package targets holds what every reference server shares: the Server
// contract a model fulfils, the App that answers a parsed request, and the
// sequential connection loop that blocking models run. Each model lives in its
// own package below this one and shows only its concurrency; parsing and
// responses come from protocol, CPU work from work.
package targets

import (
	"context"
	"errors"
	"net"
	"time"

	"github.com/corobench/corobench/chat"
)

// Server is one concurrency model.
type Server interface {
	// Serve answers connections accepted from ln until ctx ends; then it
	// stops accepting, lets in-flight requests finish, closes idle
	// connections and returns. It returns nil after a clean stop.
	Serve(ctx context.Context, ln net.Listener) error
	// Parallelism says how many requests it serves and computes at once,
	// as made (after its defaults) and under the GOMAXPROCS it runs with.
	Parallelism() Parallelism
}

// Readier is a Server with work to do before it can serve, such as making
// its threads or worker processes. Ready is closed once that work is done
// (or Serve has returned); a Server that is not a Readier serves as soon as
// Serve is called. The command says the target is ready only then.
type Readier interface {
	Ready() <-chan struct{}
}

// Config is what the command gives a model. A knob a model does not have is
// ignored; zero means the model's default.
type Config struct {
	App *App
	// Workers is the number of workers made at start: prefork's processes,
	// threadpool's threads, reactors' loops.
	Workers int
	// MaxConns caps live per-connection threads or processes; connections
	// beyond it wait in the listen backlog.
	MaxConns int
	// FileThreads is the number of threads each event loop (eventloop,
	// reactors) hands its file IO to (/disk jobs, downloads, uploads), as
	// libuv hands file IO to a thread pool; 0 does it inline.
	FileThreads int
	// DatagramBatch is how many datagrams an event loop serving datagrams
	// (eventloop, reactors, coro) reads with one recvmmsg and sends with
	// one sendmmsg, at most MaxDatagramBatch; 1 turns batching off (a
	// recvmsg and a sendmsg per datagram); 0 is the loop's default
	// (eventloop.DefaultBatch).
	DatagramBatch int
	// Self is the command line that runs this program as a child of a
	// multi-process model (process, prefork), which appends the child's
	// role and settings to it: see package spawn.
	Self []string
	// Chat is the chat room's settings, for the models' chat servers.
	Chat chat.Options
}

// ChatShutdownGrace is how long, once a chat server's context ends, its
// members have to receive what is queued for them before their connections
// are closed.
const ChatShutdownGrace = time.Second

// ErrUnsupported is returned by models that need an operating system
// facility this platform lacks (epoll, fd passing).
var ErrUnsupported = errors.New("targets: model not supported on this platform")

// Abort closes c with a reset, dropping what it has not sent yet: how a
// chat server disconnects a member that does not read, whose socket buffer
// would otherwise trickle out to it after the close.
func Abort(c net.Conn) {
	if tc, ok := c.(interface{ SetLinger(int) error }); ok {
		tc.SetLinger(0)
	}
	c.Close()
}
