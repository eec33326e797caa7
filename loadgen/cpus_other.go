//go:build !linux

package loadgen

import "runtime"

// availableCPUs is how many CPUs this process may run on.
func availableCPUs() int { return runtime.NumCPU() }
