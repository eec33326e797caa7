package eventloop

import (
	"runtime"
	"sync"
)

// A loop with file threads (serve -file-threads N) hands its /disk jobs to
// N OS threads, as libuv hands file IO to its thread pool: the loop goes on
// serving while a job writes, fsyncs and reads, and the job's answer comes
// back through the loop's wake-up. Downloads and uploads stay inline: only
// the disk job, the long one, is offloaded.

// diskJob is one /disk request handed to the file threads.
type diskJob struct {
	c     *conn
	kb    int
	sync  bool
	close bool
	sum   uint32
	err   error
}

// filePool is the loop's file threads.
type filePool struct {
	jobs chan *diskJob
	wg   sync.WaitGroup
	mu   sync.Mutex
	done []*diskJob // finished, for the loop to answer
}

// OffloadDisk gives the loop n threads to run its /disk jobs on; call it
// before Run. StopOffload ends them once Run has returned.
func (l *Loop) OffloadDisk(n int) {
	if n <= 0 {
		return
	}
	p := &filePool{jobs: make(chan *diskJob, 1024)}
	for range n {
		p.wg.Go(func() {
			runtime.LockOSThread() // a thread of the pool, blocked by the disk
			defer runtime.UnlockOSThread()
			for j := range p.jobs {
				j.sum, j.err = l.app.DiskJob(j.kb, j.sync)
				p.mu.Lock()
				p.done = append(p.done, j)
				p.mu.Unlock()
				l.Wake()
			}
		})
	}
	l.pool = p
	l.Loop.OnWake(l.woken)
}

// StopOffload ends the file threads, after the jobs handed to them.
func (l *Loop) StopOffload() {
	if l.pool != nil {
		close(l.pool.jobs)
		l.pool.wg.Wait()
	}
}

// OnWake sets what the loop runs on its thread when woken (reactors deal
// connections this way), beside answering finished disk jobs.
func (l *Loop) OnWake(f func()) {
	l.onWake = f
	l.Loop.OnWake(l.woken)
}

// woken answers the disk jobs that finished, then runs the model's own
// wake-up work.
func (l *Loop) woken() {
	if l.pool != nil {
		l.pool.mu.Lock()
		done := l.pool.done
		l.pool.done = nil
		l.pool.mu.Unlock()
		for _, j := range done {
			l.answerJob(j)
		}
	}
	if l.onWake != nil {
		l.onWake()
	}
}

// offload hands c's disk job to the pool; it reports false when the queue
// is full, and the loop then does the job inline.
func (l *Loop) offload(c *conn, kb int, sync, close bool) bool {
	select {
	case l.pool.jobs <- &diskJob{c: c, kb: kb, sync: sync, close: close}:
		c.state = offloaded
		return true
	default:
		return false
	}
}

// answerJob sends a finished job's answer and serves what c sent after it.
func (l *Loop) answerJob(j *diskJob) {
	c := j.c
	if c.fd < 0 || c.state != offloaded {
		return // closed meanwhile
	}
	c.state = reading
	if j.close {
		c.state = closing
	}
	now := l.Tick()
	c.active, c.reqStart = now, now
	l.send(c, l.app.AppendDisk(l.wbuf[:0], j.close, j.kb, j.sum, j.err))
	l.serve(c, c.in)
}
