// Package affinity pins a process to a set of CPUs, so that a target and the
// load generator sharing a small machine do not take each other's cores.
package affinity

import (
	"fmt"
	"slices"
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

// Within checks that every CPU of cpus is one of allowed (see Allowed),
// and names the first that is not.
func Within(cpus, allowed []int) error {
	for _, c := range cpus {
		if !slices.Contains(allowed, c) {
			return fmt.Errorf("affinity: CPU %d is not one this process may use (%s)", c, Format(allowed))
		}
	}
	return nil
}

// Pick returns the CPUs at positions of allowed: a CPU list counted within
// the CPUs a process may use, so that "0" is the first of them whatever its
// id. It names the first position beyond them.
func Pick(positions, allowed []int) ([]int, error) {
	cpus := make([]int, len(positions))
	for i, p := range positions {
		if p >= len(allowed) {
			return nil, fmt.Errorf("affinity: CPU %d is beyond the %d this process may use (%s), counted from 0", p, len(allowed), Format(allowed))
		}
		cpus[i] = allowed[p]
	}
	return cpus, nil
}

// Restrict pins this process to cpus, which must be among the CPUs it may
// use now (Allowed): under taskset the kernel would let it move to others,
// in a cpuset refuse them; either is an error here that names the CPU.
// With no cpus it does nothing.
func Restrict(cpus []int) error {
	if len(cpus) == 0 {
		return nil
	}
	allowed, err := Allowed()
	if err != nil {
		return err
	}
	if err := Within(cpus, allowed); err != nil {
		return err
	}
	return PinSelf(cpus)
}
