//go:build !linux

package affinity

import "errors"

// PinSelf is not supported on this platform; with no cpus it does nothing.
func PinSelf(cpus []int) error {
	if len(cpus) == 0 {
		return nil
	}
	return errors.New("affinity: CPU pinning is supported on Linux only")
}
