// Package spawntest lets a test binary be its own child, so that the
// multi-process models can be tested in-process: TestMain calls Main first,
// and the servers get Self() as their Config.Self.
package spawntest

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/corobench/corobench/targets"
	"github.com/corobench/corobench/targets/internal/spawn"
)

// marker is the first argument that tells the test binary it is a child.
const marker = "spawntest-child"

// Self is the command line that re-executes this test binary as a child.
func Self() []string {
	exe, err := os.Executable()
	if err != nil {
		exe = os.Args[0]
	}
	return []string{exe, marker}
}

// Main runs the child, and exits, when this process was started as one;
// otherwise it returns at once. serve is the child's side of the model.
func Main(serve func(context.Context, *targets.App, *os.File) error) {
	MainByRole(func(spawn.Role) func(context.Context, *targets.App, *os.File) error { return serve })
}

// MainByRole is Main for a model whose children have more than one role:
// serve gives the child's side for each.
func MainByRole(serve func(spawn.Role) func(context.Context, *targets.App, *os.File) error) {
	if len(os.Args) < 2 || os.Args[1] != marker {
		return
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	c, err := spawn.Parse(os.Args[2:])
	if err == nil {
		c.Ready()
		err = serve(c.Role)(ctx, c.App, spawn.Socket())
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "child:", err)
		os.Exit(1)
	}
	os.Exit(0)
}
