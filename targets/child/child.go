// Package child is the child side of the multi-process models: a process
// that process or prefork started (see targets/internal/spawn) serves the
// socket it inherited — one connection, or the shared listener — and exits.
// A binary that can be such a child calls Run with the arguments that follow
// its hidden child command.
package child

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/corobench/corobench/targets"
	"github.com/corobench/corobench/targets/internal/spawn"
	"github.com/corobench/corobench/targets/prefork"
	"github.com/corobench/corobench/targets/process"
)

// ErrUsage marks a child command line that spawn did not write.
var ErrUsage = errors.New("child: bad command line")

// Run serves the inherited socket in the role args name until it is done or
// ctx ends. The caller must already handle SIGTERM: Run tells the parent the
// child is ready for it.
func Run(ctx context.Context, args []string) error {
	role, app, err := spawn.Parse(args)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrUsage, err)
	}
	spawn.Ready()
	serve := map[spawn.Role]func(context.Context, *targets.App, *os.File) error{
		spawn.Conn:   process.ServeChild,
		spawn.Worker: prefork.ServeWorker,
	}[role]
	return serve(ctx, app, spawn.Socket())
}
