package eventloop

import (
	"runtime"
	"sync"

	"golang.org/x/sys/unix"
)

// A loop with file threads (serve -file-threads N) hands its file IO to N
// OS threads, as libuv hands file IO to its thread pool and nginx its
// sendfile calls to its own (aio threads): /disk jobs, the opening of a
// download and its sendfile calls, and an upload's creation, writes and
// commit. The loop goes on serving while a thread waits for the disk, and
// the job's result comes back through the loop's wake-up
// (files_offload_linux.go).

// fileJob is file IO handed to the file threads: run runs on a thread, then
// done on the loop's. Meanwhile c is offloaded: the job may use its socket
// and its file, so a close of c leaves them open until the job is back.
type fileJob struct {
	c    *conn
	fd   int // c's socket when handed over
	run  func()
	done func()
}

// filePool is the loop's file threads.
type filePool struct {
	jobs chan *fileJob
	wg   sync.WaitGroup
	mu   sync.Mutex
	done []*fileJob // run, for the loop to finish
}

// OffloadFiles gives the loop n threads to run its file IO on; call it
// before Run. StopOffload ends them once Run has returned.
func (l *Loop) OffloadFiles(n int) {
	if n <= 0 {
		return
	}
	p := &filePool{jobs: make(chan *fileJob, 1024)}
	for range n {
		p.wg.Go(func() {
			runtime.LockOSThread() // a thread of the pool, blocked by the disk
			defer runtime.UnlockOSThread()
			for j := range p.jobs {
				if l.onFileJob != nil {
					l.onFileJob()
				}
				j.run()
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

// StopOffload ends the file threads, after the jobs handed to them, and
// lets go of what the jobs of closed connections held.
func (l *Loop) StopOffload() {
	if l.pool != nil {
		close(l.pool.jobs)
		l.pool.wg.Wait()
		l.finishJobs()
	}
}

// OnWake sets what the loop runs on its thread when woken (reactors deal
// connections this way), beside finishing file jobs.
func (l *Loop) OnWake(f func()) {
	l.onWake = f
	l.Loop.OnWake(l.woken)
}

// woken finishes the file jobs that were run, then runs the model's own
// wake-up work.
func (l *Loop) woken() {
	if l.pool != nil {
		l.finishJobs()
	}
	if l.onWake != nil {
		l.onWake()
	}
}

// finishJobs finishes the jobs the threads have run. A connection closed
// meanwhile has its socket closed now, and its file and upload let go.
func (l *Loop) finishJobs() {
	l.pool.mu.Lock()
	done := l.pool.done
	l.pool.done = nil
	l.pool.mu.Unlock()
	for _, j := range done {
		if j.c.fd < 0 {
			unix.Close(j.fd)
			dropFiles(j.c)
			continue
		}
		l.Tick()
		j.done()
	}
}

// offload hands run to the file threads, and done back to the loop after
// it; c is offloaded until then, its socket watched for nothing (else a
// level-triggered loop would be told again and again of a socket it must
// leave alone). It reports false when the queue is full: the caller then
// does the work inline.
func (l *Loop) offload(c *conn, run, done func()) bool {
	select {
	case l.pool.jobs <- &fileJob{c: c, fd: c.fd, run: run, done: done}:
		c.state = offloaded
		l.settle(c)
		return true
	default:
		return false
	}
}

// offloadDisk hands c's /disk job to the file threads.
func (l *Loop) offloadDisk(c *conn, kb int, sync, close bool) bool {
	var sum uint32
	var err error
	return l.offload(c, func() { sum, err = l.app.DiskJob(kb, sync) }, func() {
		l.answer(c, close, l.app.AppendDisk(l.wbuf[:0], close, kb, sum, err))
	})
}

// answer sends the answer of c's offloaded request and serves what c sent
// after it.
func (l *Loop) answer(c *conn, close bool, out []byte) {
	c.state = reading
	if close {
		c.state = closing
	}
	now := l.Now()
	c.active, c.reqStart = now, now
	l.send(c, out)
	l.serve(c, c.in)
}
