package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/corobench/corobench/targets/child"
)

// childProgram is the multi-process models' child program
// (cmd/corobench-child), looked for beside this binary: make build and
// go install put it there. It links only what serving needs, so that a
// process per connection pays for a process start, not for corobench's.
const childProgram = "corobench-child"

// childCommand is the hidden subcommand a multi-process model re-executes
// this binary with when the child program is missing (see package child):
// `corobench child ROLE FLAGS`, with its socket on file descriptor 3.
const childCommand = "child"

// selfArgs is the command line that starts a multi-process model's child:
// the child program beside this binary, or else this binary itself, with a
// warning that says what that costs.
func selfArgs() (self []string, warning string, err error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, "", fmt.Errorf("serve: find this binary to start children: %w", err)
	}
	self, warning = childArgs(exe)
	return self, warning, nil
}

// childArgs is selfArgs for the corobench executable exe.
func childArgs(exe string) (self []string, warning string) {
	prog := filepath.Join(filepath.Dir(exe), childProgram)
	if st, err := os.Stat(prog); err == nil && st.Mode().IsRegular() && st.Mode().Perm()&0o111 != 0 {
		return []string{prog}, ""
	}
	warning = fmt.Sprintf("%s not found beside %s: each child re-executes corobench and pays its whole start "+
		"(make build or go install ./cmd/... builds both)", childProgram, exe)
	return []string{exe, childCommand}, warning
}

func childCmd(ctx context.Context, args []string) error {
	err := child.Run(ctx, args) // main handles SIGTERM already
	if errors.Is(err, child.ErrUsage) {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	return err
}
