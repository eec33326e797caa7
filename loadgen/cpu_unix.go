//go:build unix

package loadgen

import (
	"syscall"
	"time"
)

type cpuTimes struct{ user, sys time.Duration }

// cpuTime is this process's CPU time so far.
func cpuTime() cpuTimes {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return cpuTimes{}
	}
	return cpuTimes{
		user: time.Duration(ru.Utime.Nano()),
		sys:  time.Duration(ru.Stime.Nano()),
	}
}
