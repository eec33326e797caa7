package harness

import (
	"fmt"

	"github.com/corobench/corobench/internal/affinity"
)

// pinning is a scenario's Pin made concrete: the ids of the CPUs of the
// target and of the client; nil is every CPU this process may use.
type pinning struct {
	target, client []int
}

// resolve picks the CPUs from allowed, those this process may use (its
// affinity: taskset, a cgroup cpuset), in ascending order. A scenario's CPU
// numbers count within that set — "0" is the first CPU this process may
// use, whatever its id — so that a scenario runs alike in a cpuset that does
// not start at CPU 0. The defaults: the target on the first, the client on
// the others; nothing pinned with one CPU. A number beyond the set is an
// error that names its key.
func (p Pin) resolve(allowed []int) (pinning, error) {
	one := func(key, v, def string) ([]int, error) {
		if v == "" {
			v = def
		}
		if v == PinAll {
			return nil, nil
		}
		positions, _ := affinity.Parse(v) // Validate has checked it
		cpus, err := affinity.Pick(positions, allowed)
		if err != nil {
			return nil, fmt.Errorf("harness: pin.%s: %w", key, err)
		}
		return cpus, nil
	}
	defTarget, defClient := "0", "1-"+itoa(len(allowed)-1)
	if len(allowed) < 2 {
		defTarget, defClient = PinAll, PinAll
	}
	target, err := one("target", p.Target, defTarget)
	if err != nil {
		return pinning{}, err
	}
	client, err := one("client", p.Client, defClient)
	return pinning{target: target, client: client}, err
}

// cores is how many CPUs a CPU list gives, of allowed.
func cores(cpus, allowed []int) int {
	if len(cpus) == 0 {
		return len(allowed)
	}
	return len(cpus)
}

// orAll is cpus, or every CPU of allowed when cpus is empty: pinning to
// every CPU undoes an earlier pinning.
func orAll(cpus, allowed []int) []int {
	if len(cpus) > 0 {
		return cpus
	}
	return allowed
}

func itoa(n int) string { return affinity.Format([]int{n}) }
