//go:build !linux

package affinity

import (
	"errors"
	"runtime"
)

// Allowed returns every CPU, 0 to runtime.NumCPU()-1: there is no affinity
// to read here.
func Allowed() ([]int, error) {
	cpus := make([]int, runtime.NumCPU())
	for i := range cpus {
		cpus[i] = i
	}
	return cpus, nil
}

// PinSelf is not supported on this platform; with no cpus it does nothing.
func PinSelf(cpus []int) error {
	if len(cpus) == 0 {
		return nil
	}
	return errors.New("affinity: CPU pinning is supported on Linux only")
}
