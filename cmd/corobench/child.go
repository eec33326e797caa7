package main

import (
	"context"
	"fmt"
	"os"

	"github.com/corobench/corobench/targets"
	"github.com/corobench/corobench/targets/prefork"
	"github.com/corobench/corobench/targets/process"
	"github.com/corobench/corobench/targets/spawn"
)

// childCommand is the hidden subcommand a multi-process model re-executes
// this binary with (see package spawn): `corobench child ROLE FLAGS`, with
// its socket on file descriptor 3.
const childCommand = "child"

// selfArgs is the command line that runs this binary as a model's child.
func selfArgs() ([]string, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("serve: find this binary to start children: %w", err)
	}
	return []string{exe, childCommand}, nil
}

func childCmd(ctx context.Context, args []string) error {
	role, app, err := spawn.Parse(args)
	if err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	spawn.Ready() // main handles SIGTERM already
	serve := map[spawn.Role]func(context.Context, *targets.App, *os.File) error{
		spawn.Conn:   process.ServeChild,
		spawn.Worker: prefork.ServeWorker,
	}[role]
	return serve(ctx, app, spawn.Socket())
}
