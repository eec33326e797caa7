package process

import (
	"context"
	"fmt"
	"net"
	"os"
	"sync"

	"golang.org/x/sys/unix"

	"github.com/corobench/corobench/targets"
	"github.com/corobench/corobench/targets/internal/spawn"
)

// Serve implements targets.Server.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	defer targets.CloseOnDone(ctx, ln)()
	if len(s.self) == 0 {
		return spawn.ErrNoSelf
	}
	var children spawn.Group
	defer children.Stop(spawn.DefaultGrace)
	live := make(chan struct{}, s.max) // a token per live child
	for {
		select {
		case live <- struct{}{}:
		case <-ctx.Done():
			return nil
		}
		c, err := targets.Accept(ctx, ln)
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return err
		}
		if err := s.fork(&children, c, func() { <-live }); err != nil {
			<-live
			fmt.Fprintf(os.Stderr, "process: %v\n", err) // this connection is lost; the server is not
		}
	}
}

// fork starts a child that serves c, and closes the parent's c. The parent
// keeps a copy of the socket while the child lives, to stop it gently: shut
// for reading, the socket gives the child what the client has sent, then an
// end of stream, so the child answers the requests in flight and exits. A
// SIGTERM would lose requests sent but not yet read.
func (s *Server) fork(children *spawn.Group, c net.Conn, exited func()) error {
	defer c.Close()
	fc, ok := c.(interface{ File() (*os.File, error) })
	if !ok {
		return fmt.Errorf("%T has no file descriptor to hand over", c)
	}
	f, err := fc.File()
	if err != nil {
		return err
	}
	var once sync.Once
	shut := func(*os.Process) { once.Do(func() { unix.Shutdown(int(f.Fd()), unix.SHUT_RD) }) }
	err = children.Start(s.self, spawn.Conn, s.app, f, spawn.Options{
		Stop: shut,
		Exited: func(error) {
			once.Do(func() {}) // no shutdown once f is closed
			f.Close()
			exited()
		},
	})
	if err != nil {
		f.Close()
	}
	return err
}
