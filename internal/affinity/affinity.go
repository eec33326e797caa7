// Package affinity pins a process to a set of CPUs, so that a target and the
// load generator sharing a small machine do not take each other's cores.
package affinity

import (
	"fmt"
	"strconv"
	"strings"
)

// Parse reads a CPU list such as "0", "1,3" or "0-3". The empty string is no
// pinning: it returns nil.
func Parse(s string) ([]int, error) {
	if s == "" {
		return nil, nil
	}
	var cpus []int
	for part := range strings.SplitSeq(s, ",") {
		lo, hi, isRange := strings.Cut(part, "-")
		a, err := strconv.Atoi(strings.TrimSpace(lo))
		if err != nil || a < 0 {
			return nil, fmt.Errorf("affinity: bad CPU list %q", s)
		}
		b := a
		if isRange {
			if b, err = strconv.Atoi(strings.TrimSpace(hi)); err != nil || b < a {
				return nil, fmt.Errorf("affinity: bad CPU list %q", s)
			}
		}
		for c := a; c <= b; c++ {
			cpus = append(cpus, c)
		}
	}
	return cpus, nil
}

// Format writes a CPU list back in the form Parse reads.
func Format(cpus []int) string {
	parts := make([]string, len(cpus))
	for i, c := range cpus {
		parts[i] = strconv.Itoa(c)
	}
	return strings.Join(parts, ",")
}
