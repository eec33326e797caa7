package loadgen

import (
	"runtime"

	"golang.org/x/sys/unix"
)

// availableCPUs is how many CPUs this process may run on now (after any
// pinning), which may be fewer than it started with.
func availableCPUs() int {
	var set unix.CPUSet
	if err := unix.SchedGetaffinity(0, &set); err != nil {
		return runtime.NumCPU()
	}
	return set.Count()
}
