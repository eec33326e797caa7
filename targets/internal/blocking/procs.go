package blocking

import "runtime"

// MaxThreadProcs bounds the Ps that GOMAXPROCS gives the threads of a
// thread model. A thread blocked in a system call needs no P; one that wakes
// needs one to run Go code, and with too few the runnable threads queue in
// Go's scheduler, a lock much like Python's GIL, rather than being time
// sliced by the kernel as C threads are. So each thread that may be runnable
// at once should have a P. But Ps are not free: each has its own caches, and
// a garbage collection gives a quarter of them a mark worker thread; at
// 2,000 Ps an idle server holds 200 threads and 60 MB. 128 covers every load
// of the suite (at most 128 connections busy at once) at an idle cost of
// about 1 MB.
const MaxThreadProcs = 128

// GOMAXPROCS is the GOMAXPROCS for a model with up to threads connection
// threads: a P for each, up to MaxThreadProcs, and one per CPU for the rest
// (the accept loop, the runtime).
func GOMAXPROCS(threads int) int {
	return min(threads, MaxThreadProcs) + runtime.NumCPU()
}
