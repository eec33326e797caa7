package eventloop

import (
	"golang.org/x/sys/unix"

	"github.com/corobench/corobench/internal/poller"
)

// edge is epoll, edge-triggered (EPOLLET): a socket is reported once per
// change of its readiness, not at every wait while it stays ready. The
// kernel then need not look at it again at the next epoll_wait, but a loop
// must read each socket it is told of until EAGAIN (Loop.ready does, when
// Loop.edge), or the bytes it leaves are never reported. Changing a
// socket's interest (epoll_ctl MOD) re-arms it: epoll reports then what is
// already there. The listener is edge-triggered too (the loop accepts until
// EAGAIN anyway); the poller's own wake eventfd stays level-triggered.
type edge struct{ *poller.Poller }

func newEdge() (edge, error) {
	p, err := poller.New()
	return edge{p}, err
}

func (e edge) Add(fd int, events uint32) error { return e.Poller.Add(fd, events|unix.EPOLLET) }
func (e edge) Mod(fd int, events uint32) error { return e.Poller.Mod(fd, events|unix.EPOLLET) }
