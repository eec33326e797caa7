//go:build !linux

package spawn

import (
	"os/exec"

	"github.com/corobench/corobench/targets"
)

// configure refuses: without Pdeathsig a child could outlive its parent.
func configure(cmd *exec.Cmd, pidfd *int) error { return targets.ErrUnsupported }

// awaitExit does nothing: configure refused already.
func awaitExit(pidfd int) {}
