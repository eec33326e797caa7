package threadpool

import (
	"runtime"
	"sync"
)

// pool is n OS threads made at once, each running the jobs sent on jobs,
// one at a time, until jobs is closed. jobs holds n: a send finds room as
// long as no more jobs are in hand than there are threads.
type pool struct {
	jobs    chan func()
	threads sync.WaitGroup
}

// newPool makes the threads and returns once every one is made.
func newPool(n int) *pool {
	p := &pool{jobs: make(chan func(), n)}
	var started sync.WaitGroup
	started.Add(n)
	for range n {
		p.threads.Go(func() {
			runtime.LockOSThread() // for good: the thread ends with the pool
			started.Done()
			for job := range p.jobs {
				job()
			}
		})
	}
	started.Wait()
	return p
}

// close lets the threads end once the jobs sent are done, and waits for
// them.
func (p *pool) close() {
	close(p.jobs)
	p.threads.Wait()
}
