package targets

import (
	"context"
	"net"
	"net/netip"
	"sync"
	"time"
)

// DatagramJob is one request datagram handed to whatever serves it (a
// goroutine, a thread): the datagram, where it came from, and a buffer for
// its answer. Serve parses, waits (the caller's way), answers, and sends
// the answer back; Done gives the job back.
type DatagramJob struct {
	// Datagram is the request datagram as it arrived.
	Datagram []byte
	// From is where it came from, and where the answer goes.
	From netip.AddrPort

	buf  []byte // DatagramBuffer bytes, Datagram's storage
	out  []byte // the answer's
	each *eachDatagram
}

// keepAnswerBuffer bounds the answer buffer a job keeps for the next one:
// a large /echo answer's buffer is let go.
const keepAnswerBuffer = 4 << 10

// Serve answers the job's datagram: it parses it (a datagram with no id is
// dropped and counted), waits d.Wait() by calling wait, does the work, and
// sends the answer with send (nil: on the socket the datagram came from,
// through Go's poller). It returns false when there was nothing to answer.
func (j *DatagramJob) Serve(app *App, wait func(time.Duration), send func([]byte, netip.AddrPort) error) bool {
	var d Datagram
	if !app.ReadDatagram(j.Datagram, &d) {
		return false
	}
	if w := d.Wait(); w > 0 {
		wait(w)
	}
	j.out = app.AnswerDatagram(j.out[:0], &d)
	if send == nil {
		WriteDatagramTo(j.each.pc, j.out, j.From) // an answer that cannot leave is lost
	} else {
		send(j.out, j.From)
	}
	return true
}

// Done gives the job back: its datagram is answered (or dropped), and its
// buffers may take the next one.
func (j *DatagramJob) Done() {
	e := j.each
	j.Datagram = nil
	if cap(j.out) > keepAnswerBuffer {
		j.out = nil
	}
	e.jobs.Put(j)
	<-e.slots
	e.wg.Done()
}

type eachDatagram struct {
	pc    net.PacketConn
	slots chan struct{} // a token per job in hand
	jobs  sync.Pool
	wg    sync.WaitGroup
}

// EachDatagram reads the datagrams that arrive on pc until ctx ends and
// calls start with each, as a job of its own, on the reading goroutine:
// start hands the job to what serves it (a new goroutine, a new thread, a
// queue) and returns; that calls job.Done once it has answered. At most max
// jobs are in hand at once: beyond that, EachDatagram reads no more until
// one is done, and datagrams wait in the socket's buffer (or are dropped
// there when it is full). Once ctx ends it stops reading, waits until every
// job is done and returns nil (or the error that stopped its reading). It
// does not close pc.
func EachDatagram(ctx context.Context, pc net.PacketConn, max int, start func(*DatagramJob)) error {
	defer WakeOnDone(ctx, pc)()
	e := &eachDatagram{pc: pc, slots: make(chan struct{}, max)}
	e.jobs.New = func() any { return &DatagramJob{buf: make([]byte, DatagramBuffer), each: e} }
	defer e.wg.Wait()
	for {
		select {
		case e.slots <- struct{}{}:
		case <-ctx.Done():
			return nil
		}
		j := e.jobs.Get().(*DatagramJob)
		n, from, err := ReadDatagramFrom(pc, j.buf)
		if err != nil {
			e.jobs.Put(j)
			<-e.slots
			if stop, err := DatagramReadFailed(ctx, err); stop {
				return err
			}
			continue
		}
		j.Datagram, j.From = j.buf[:n], from
		e.wg.Add(1)
		start(j)
	}
}
