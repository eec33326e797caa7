package prefork

import (
	"context"
	"fmt"
	"net"
	"os"
	"sync"
	"time"

	"golang.org/x/sys/unix"

	"github.com/corobench/corobench/internal/poller"
	"github.com/corobench/corobench/targets"
	"github.com/corobench/corobench/targets/internal/spawn"
)

// Pauses before a dead worker is replaced: a worker that keeps dying young
// is replaced ever more slowly, up to the last.
const (
	respawnFirst = 10 * time.Millisecond
	respawnMax   = time.Second
	// aged is how long a worker must have lived for its death to count as
	// an accident rather than a crash loop.
	aged = 10 * time.Second
)

// Serve implements targets.Server.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	defer targets.CloseOnDone(ctx, ln)()
	if len(s.self) == 0 {
		return spawn.ErrNoSelf
	}
	fl, ok := ln.(interface{ File() (*os.File, error) })
	if !ok {
		return fmt.Errorf("prefork: %T has no file descriptor to share", ln)
	}
	sock, err := fl.File()
	if err != nil {
		return fmt.Errorf("prefork: %w", err)
	}
	defer sock.Close()
	return s.run(ctx, sock, spawn.Worker)
}

// ServeDatagrams implements targets.DatagramServer: the workers share pc's
// socket. The parent never reads it.
func (s *Server) ServeDatagrams(ctx context.Context, pc net.PacketConn) error {
	if len(s.self) == 0 {
		close(s.ready)
		return spawn.ErrNoSelf
	}
	fd, err := poller.PacketSocketFD(pc)
	if err != nil {
		close(s.ready)
		return fmt.Errorf("prefork: %w", err)
	}
	// Handed over blocking, so that an *os.File made of it leaves the
	// mode alone when a worker is started (File.Fd makes a non-blocking
	// one blocking, and the mode is the socket's, shared by every
	// worker): each worker makes it non-blocking once, for Go's poller.
	if err := unix.SetNonblock(fd, false); err != nil {
		unix.Close(fd)
		close(s.ready)
		return fmt.Errorf("prefork: %w", err)
	}
	sock := os.NewFile(uintptr(fd), "datagram socket")
	defer sock.Close()
	return s.run(ctx, sock, spawn.DatagramWorker)
}

// run keeps s.workers workers of role serving sock until ctx ends.
func (s *Server) run(ctx context.Context, sock *os.File, role spawn.Role) error {
	var workers spawn.Group
	var slots, first sync.WaitGroup
	first.Add(s.workers)
	for range s.workers {
		slots.Go(func() { s.keepWorker(ctx, &workers, role, sock, sync.OnceFunc(first.Done)) })
	}
	slots.Go(func() { first.Wait(); close(s.ready) })
	<-ctx.Done()
	workers.Stop(spawn.DefaultGrace)
	slots.Wait()
	return nil
}

// keepWorker keeps one worker running until ctx ends, replacing it when it
// dies. It calls ready once its first worker is ready, or gone.
func (s *Server) keepWorker(ctx context.Context, workers *spawn.Group, role spawn.Role, sock *os.File, ready func()) {
	defer ready()
	pause := respawnFirst
	for ctx.Err() == nil {
		exited := make(chan error, 1)
		born := time.Now()
		err := workers.Start(s.self, role, s.app, sock, spawn.Options{
			Exited: func(err error) { exited <- err },
			Ready:  ready,
		})
		if err == nil {
			select {
			case err = <-exited:
			case <-ctx.Done():
				return // Serve stops the workers
			}
		}
		if ctx.Err() != nil {
			return
		}
		fmt.Fprintf(os.Stderr, "prefork: worker ended (%v); replacing it\n", err)
		if time.Since(born) > aged {
			pause = respawnFirst
		}
		select {
		case <-time.After(pause):
		case <-ctx.Done():
			return
		}
		pause = min(2*pause, respawnMax)
	}
}
