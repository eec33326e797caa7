package eventloop

import (
	"context"
	"net"

	"github.com/corobench/corobench/targets/internal/evloop"
)

// Serve implements targets.Server: one loop, on this goroutine's OS thread,
// accepting on ln and serving every connection itself.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	l, err := newLoop(s.app, s.call)
	if err != nil {
		ln.Close()
		return err
	}
	l.OnRequest(s.onRequest)
	l.onFileJob = s.onFileJob
	l.OffloadFiles(s.fileThreads)
	defer l.StopOffload()
	return evloop.Serve(ctx, ln, l.Run, l.Close)
}
