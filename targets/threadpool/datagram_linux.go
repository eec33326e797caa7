package threadpool

import (
	"context"
	"net"
	"runtime"
	"sync"

	"github.com/corobench/corobench/targets"
	"github.com/corobench/corobench/targets/internal/blocking"
)

// ServeDatagrams implements targets.DatagramServer.
func (s *DatagramServer) ServeDatagrams(ctx context.Context, pc net.PacketConn) error {
	queue := make(chan *targets.DatagramJob, s.workers)
	var threads sync.WaitGroup
	defer threads.Wait()
	defer close(queue)
	var started sync.WaitGroup // every worker has its thread before the first read
	started.Add(s.workers)
	for range s.workers {
		threads.Go(func() {
			runtime.LockOSThread() // for good: the thread ends with the worker
			started.Done()
			for j := range queue {
				j.Serve(s.app, blocking.Sleep, nil)
				j.Done()
			}
		})
	}
	started.Wait()
	close(s.ready)
	// A job in hand is either served by one of the workers or in the queue:
	// the queue never blocks the reader.
	return targets.EachDatagram(ctx, pc, 2*s.workers, func(j *targets.DatagramJob) { queue <- j })
}
