package affinity

import (
	"fmt"
	"os"
	"strconv"

	"golang.org/x/sys/unix"
)

// setSize is how many CPUs a unix.CPUSet holds (the kernel's CPU_SETSIZE).
const setSize = 1024

// Allowed returns the CPUs this thread may run on, in ascending order: its
// affinity, which taskset, a cgroup cpuset or an earlier PinSelf set.
func Allowed() ([]int, error) {
	var set unix.CPUSet
	if err := unix.SchedGetaffinity(0, &set); err != nil {
		return nil, fmt.Errorf("affinity: %w", err)
	}
	var cpus []int
	for c := 0; c < setSize && len(cpus) < set.Count(); c++ {
		if set.IsSet(c) {
			cpus = append(cpus, c)
		}
	}
	return cpus, nil
}

// PinSelf pins every thread of this process to cpus. Threads made later are
// made by pinned threads and inherit the pinning, and so do child processes.
// With no cpus it does nothing.
func PinSelf(cpus []int) error {
	if len(cpus) == 0 {
		return nil
	}
	var set unix.CPUSet
	for _, c := range cpus {
		set.Set(c)
	}
	// A thread may start while we walk the list: walk until a pass finds
	// nothing new.
	pinned := map[int]bool{}
	for {
		tasks, err := os.ReadDir("/proc/self/task")
		if err != nil {
			return fmt.Errorf("affinity: %w", err)
		}
		fresh := false
		for _, t := range tasks {
			tid, err := strconv.Atoi(t.Name())
			if err != nil || pinned[tid] {
				continue
			}
			if err := unix.SchedSetaffinity(tid, &set); err != nil && err != unix.ESRCH {
				return fmt.Errorf("affinity: pin to CPUs %s: %w", Format(cpus), err)
			}
			pinned[tid], fresh = true, true
		}
		if !fresh {
			return nil
		}
	}
}
