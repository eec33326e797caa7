package harness

import "github.com/corobench/corobench/internal/affinity"

// pinning is a scenario's Pin made concrete for a machine: nil is every CPU.
type pinning struct {
	target, client []int
}

// resolve applies the defaults for a machine of n cores: the target on CPU
// 0 and the client on the others, or nothing pinned on a single core.
func (p Pin) resolve(n int) pinning {
	one := func(v, def string) []int {
		if v == "" {
			v = def
		}
		if v == PinAll {
			return nil
		}
		cpus, _ := affinity.Parse(v) // Validate has checked it
		return cpus
	}
	if n < 2 {
		return pinning{target: one(p.Target, PinAll), client: one(p.Client, PinAll)}
	}
	return pinning{target: one(p.Target, "0"), client: one(p.Client, "1-"+itoa(n-1))}
}

// cores is how many CPUs a CPU list gives on a machine of n cores.
func cores(cpus []int, n int) int {
	if len(cpus) == 0 {
		return n
	}
	return len(cpus)
}

// orAll is cpus, or every CPU of a machine of n cores when cpus is empty:
// pinning to every CPU undoes an earlier pinning.
func orAll(cpus []int, n int) []int {
	if len(cpus) > 0 {
		return cpus
	}
	cpus = make([]int, n)
	for i := range cpus {
		cpus[i] = i
	}
	return cpus
}

func itoa(n int) string { return affinity.Format([]int{n}) }
