// Package child is the child side of the multi-process models: a process
// that process or prefork started (see targets/internal/spawn) serves the
// socket it inherited — one connection, or the shared listener — and exits.
// A program that can be such a child (cmd/corobench-child, and corobench's
// hidden child command) calls Run with the arguments that follow its name.
package child

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/corobench/corobench/targets/internal/spawn"
	"github.com/corobench/corobench/targets/prefork"
	"github.com/corobench/corobench/targets/process"
)

// ErrUsage marks a child command line that spawn did not write.
var ErrUsage = errors.New("child: bad command line")

// Run serves the inherited socket in the role args name until it is done or
// ctx ends, and tells the parent when it is ready.
//
// A worker stops on SIGTERM or SIGINT, after its connection in flight, so
// Run handles them. A connection's child needs no handler: its parent
// stops it by shutting the socket for reading, which ends the connection
// after the requests in flight, and a handler would cost every connection
// a thread (os/signal keeps one for it).
func Run(ctx context.Context, args []string) error {
	c, err := spawn.Parse(args)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrUsage, err)
	}
	serve := process.ServeChild
	switch c.Role {
	case spawn.Datagram:
		serve = process.ServeDatagramChild
	case spawn.Worker, spawn.DatagramWorker:
		serve = prefork.ServeWorker
		if c.Role == spawn.DatagramWorker {
			serve = prefork.ServeDatagramWorker
		}
		var stop context.CancelFunc
		ctx, stop = signal.NotifyContext(ctx, syscall.SIGTERM, os.Interrupt)
		defer stop()
	}
	c.Ready()
	return serve(ctx, c.App, spawn.Socket())
}
