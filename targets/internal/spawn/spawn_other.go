//go:build !linux

package spawn

import (
	"os/exec"

	"github.com/corobench/corobench/targets"
)

// configure refuses: without Pdeathsig a child could outlive its parent.
func configure(cmd *exec.Cmd) error { return targets.ErrUnsupported }
