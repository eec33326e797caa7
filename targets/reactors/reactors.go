// Package reactors runs one event loop (see eventloop) per core, each on its
// own OS thread, and spreads the connections across them: nginx's workers,
// gnet's sub-reactors. A connection stays on the loop it was given, so CPU
// work stalls only that loop's connections.
//
// The first loop also accepts: it drains the listener to EAGAIN and deals the
// new connections to the loops in turn, handing each over a queue that wakes
// the receiving loop's epoll through its eventfd. Why not one SO_REUSEPORT
// listener per loop: Serve is given one listener, already bound without
// SO_REUSEPORT, so no other socket may bind its port; and the kernel spreads
// SO_REUSEPORT connections by a hash of their addresses, which is uneven for
// the few tens of connections of a benchmark, where dealing in turn is exact.
//
// Over UDP there is nothing to deal: each loop has a socket of its own,
// bound to the same port with SO_REUSEPORT, and the kernel gives each
// datagram to a socket by a hash of its source, so a client stays on one
// loop. The chat room over UDP is served so too: the room is shared, each
// member's commands come to one loop, and a loop sends the answers and
// fan-outs of the commands it reads from its own socket, in a sendmmsg
// batch (ChatDatagramServer).
//
// The number of loops is Config.Workers (corobench serve -workers), by
// default GOMAXPROCS. It exists on Linux only; elsewhere Serve returns
// targets.ErrUnsupported.
package reactors

import (
	"runtime"

	"github.com/corobench/corobench/protocol"
	"github.com/corobench/corobench/targets"
)

// Server runs one event loop per core.
type Server struct {
	app         *targets.App
	loops       int
	fileThreads int // each loop's threads for /disk jobs; 0: inline
	// onRequest, when set (by tests), is called on a loop's thread before
	// each request is answered.
	onRequest func(*protocol.Request)
}

var _ targets.Server = (*Server)(nil)

// New returns a server of cfg.Workers loops, or GOMAXPROCS when it is 0.
func New(cfg targets.Config) *Server {
	loops := cfg.Workers
	if loops <= 0 {
		loops = runtime.GOMAXPROCS(0)
	}
	return &Server{app: cfg.App, loops: loops, fileThreads: cfg.FileThreads}
}
