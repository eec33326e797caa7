package main

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/corobench/corobench/targets/child"
)

// childCommand is the hidden subcommand a multi-process model re-executes
// this binary with (see package child): `corobench child ROLE FLAGS`, with
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
	err := child.Run(ctx, args) // main handles SIGTERM already
	if errors.Is(err, child.ErrUsage) {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	return err
}
