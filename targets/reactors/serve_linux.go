package reactors

import (
	"context"
	"errors"
	"net"

	"github.com/corobench/corobench/targets/eventloop"
)

// Serve implements targets.Server: each loop runs on its own OS thread; the
// first accepts for all and deals. When one loop fails, the others stop too.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	loops := make([]*eventloop.Loop, s.loops)
	// The file threads of every loop made end when Serve returns, also
	// when a later loop cannot be made.
	defer func() {
		for _, l := range loops {
			if l != nil {
				l.StopOffload()
			}
		}
	}()
	for i := range loops {
		l, err := eventloop.NewLoop(s.app)
		if err != nil {
			closeAll(loops[:i])
			ln.Close()
			return err
		}
		l.OnRequest(s.onRequest)
		l.OffloadFiles(s.fileThreads)
		loops[i] = l
	}
	return serveDealt(ctx, ln, loops, func() error { return closeAll(loops) })
}

// closeAll releases loops that will not run.
func closeAll(loops []*eventloop.Loop) error {
	var errs []error
	for _, l := range loops {
		errs = append(errs, l.Close())
	}
	return errors.Join(errs...)
}
