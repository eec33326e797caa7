// Command corobench-child is the child program of corobench's multi-process
// models: `corobench serve -model process` starts one per connection, and
// `-model prefork` its workers. It serves the socket it inherited as file
// descriptor 3 (see package child) and exits; it is not meant to be run by
// hand.
//
//	corobench-child ROLE -model NAME -cpu-rate R [-idle-timeout D] [-request-timeout D] [-write-timeout D] [-ready]
//
// It links only what serving needs — the protocol, the work, the shared
// connection loop — so that a process per connection costs a process start
// and little more: none of corobench's charts, YAML, statistics or load
// generator, whose packages' initialisation every child would otherwise pay.
// corobench finds it beside its own executable (make build and go install
// put it there) and re-executes itself when it is missing.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/corobench/corobench/targets/child"
)

// Exit codes.
const (
	exitOK     = 0
	exitFailed = 1 // serving failed
	exitUsage  = 2 // the command line is not one corobench writes
)

const usage = `usage: corobench-child ROLE -model NAME -cpu-rate R [-idle-timeout D] [-request-timeout D] [-write-timeout D] [-ready]

corobench-child serves the socket it inherited as file descriptor 3 for
corobench's process and prefork models, which start it; it is not meant to
be run by hand.
`

func main() {
	os.Exit(run(context.Background(), os.Args[1:], os.Stderr))
}

// run serves as the child args name and returns the exit code. Package
// child handles the signals the role needs.
func run(ctx context.Context, args []string, stderr io.Writer) int {
	err := child.Run(ctx, args)
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, child.ErrUsage):
		fmt.Fprintf(stderr, "corobench-child: %v\n\n%s", err, usage)
		return exitUsage
	}
	fmt.Fprintln(stderr, "corobench-child:", err)
	return exitFailed
}
