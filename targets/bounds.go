package targets

import (
	"context"
	"sync"
	"time"
)

// Bounds on what one connection may cost the others, the same in every
// model. A client that pipelines requests for large answers and never reads
// them holds at most one answer and the window in the server's memory: the
// rest of its requests wait, unparsed, in its read buffer and the kernel's.
const (
	// OutputWindow is how much unsent output a connection may hold before
	// its further requests wait: they are parsed and answered again once
	// the output is sent. One answer (up to protocol.MaxBodyBytes and its
	// header) may take it past the window.
	OutputWindow = 64 << 10
	// TurnRequests and TurnTime bound a turn on an event loop: the
	// requests one connection has answered in a row, or the time they
	// took, after which the connection lets every other connection ready
	// on the loop have its turn before it answers more. (Threads and
	// goroutines are time-sliced by the kernel and Go's scheduler.)
	TurnRequests = 16
	TurnTime     = time.Millisecond
)

// Yielder is a connection on an event loop that can give the other
// connections a turn: ServeConn calls Yield once a turn is over (see
// TurnRequests) with more requests to answer. Yield returns once the loop
// has served the others that were ready.
type Yielder interface {
	Yield()
}

// AfterGrace returns a context that ends grace after ctx ends: when a
// stopping server gives up on the connections still open (clients that do
// not read their answers, requests still waiting). cancel releases it; call
// it once the server has returned.
func AfterGrace(ctx context.Context, grace time.Duration) (late context.Context, cancel context.CancelFunc) {
	late, end := context.WithCancel(context.WithoutCancel(ctx))
	var mu sync.Mutex
	var timer *time.Timer
	stop := context.AfterFunc(ctx, func() {
		mu.Lock()
		defer mu.Unlock()
		if late.Err() == nil {
			timer = time.AfterFunc(grace, end)
		}
	})
	return late, func() {
		stop()
		end()
		mu.Lock()
		defer mu.Unlock()
		if timer != nil {
			timer.Stop()
		}
	}
}
