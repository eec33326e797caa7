//go:build !unix

package loadgen

import "time"

type cpuTimes struct{ user, sys time.Duration }

// cpuTime is not measured on this platform.
func cpuTime() cpuTimes { return cpuTimes{} }
