package harness

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/corobench/corobench/internal/procstat"
	"github.com/corobench/corobench/results"
)

// Bounds of an idle run.
const (
	// IdleDialers is how many connections may be opening at once.
	IdleDialers = 64
	// IdleDialTimeout bounds one connect: a model whose backlog is full
	// leaves a connect unanswered.
	IdleDialTimeout = 3 * time.Second
	// IdleTouchWait is how long the answers to the touch requests are
	// waited for after the last one came: a model that serves one
	// connection at a time answers one and leaves the others waiting.
	IdleTouchWait = time.Second
)

var touchRequest = []byte("GET /health HTTP/1.1\r\nHost: corobench\r\n\r\n")

// holdIdle opens n connections to addr at l.OpenRate, touches each with one
// request when l.Touch, holds them l.Duration, and measures the memory of
// the target's tree before the first and with all of them open.
func holdIdle(ctx context.Context, addr string, n int, l Load, w *procstat.Watcher) (*results.Idle, []string, error) {
	var warnings []string
	base, err := w.Sample()
	if err != nil {
		return nil, nil, err
	}
	idle := &results.Idle{Asked: n, Touched: l.Touch, BaseRSS: base.RSS, BasePSS: base.PSS}
	conns, firstErr := openConns(ctx, addr, n, l.OpenRate)
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	idle.Conns = len(conns)
	if len(conns) < n {
		warnings = append(warnings, fmt.Sprintf("opened %d of %d connections; the first failure: %v", len(conns), n, firstErr))
	}
	if l.Touch {
		idle.Answered = touch(ctx, conns, time.Duration(l.Timeout))
	}
	select {
	case <-time.After(time.Duration(l.Duration)):
	case <-ctx.Done():
		return idle, warnings, fmt.Errorf("harness: idle run cut short: %w", context.Cause(ctx))
	}
	tr, err := w.Sample()
	if err != nil {
		return idle, warnings, err
	}
	idle.RSS, idle.PSS = tr.RSS, tr.PSS
	return idle, warnings, nil
}

// openConns opens up to n connections, paced at rate per second, with at
// most IdleDialers opening at once.
func openConns(ctx context.Context, addr string, n int, rate float64) ([]net.Conn, error) {
	var (
		mu       sync.Mutex
		conns    []net.Conn
		firstErr error
		wg       sync.WaitGroup
	)
	d := net.Dialer{Timeout: IdleDialTimeout}
	sem := make(chan struct{}, IdleDialers)
	start := time.Now()
	for i := range n {
		due := start.Add(time.Duration(float64(i) / rate * float64(time.Second)))
		select {
		case <-time.After(time.Until(due)):
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			break
		}
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			c, err := d.DialContext(ctx, "tcp", addr)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				firstErr = cmpErr(firstErr, err)
				return
			}
			conns = append(conns, c)
		})
	}
	wg.Wait()
	if firstErr == nil && ctx.Err() != nil {
		firstErr = ctx.Err()
	}
	return conns, firstErr
}

// touch sends one request on every connection and counts the answers (a
// 200). It waits while answers keep coming: it stops when every connection
// has had its answer (or failed), when none has answered for IdleTouchWait
// (a model that serves one connection at a time answers one and leaves the
// others waiting), or at timeout, whatever the target answers or not.
func touch(ctx context.Context, conns []net.Conn, timeout time.Duration) int {
	var answered atomic.Int64
	var wg sync.WaitGroup
	deadline := time.Now().Add(timeout)
	for _, c := range conns {
		wg.Go(func() {
			c.SetDeadline(deadline)
			if _, err := c.Write(touchRequest); err != nil {
				return
			}
			buf := make([]byte, 512)
			n, _ := c.Read(buf)
			if bytes.HasPrefix(buf[:n], []byte("HTTP/1.1 200")) {
				answered.Add(1)
			}
		})
	}
	all := make(chan struct{})
	go func() { wg.Wait(); close(all) }()
	tick := time.NewTicker(IdleTouchWait / 10)
	defer tick.Stop()
	end := time.NewTimer(time.Until(deadline))
	defer end.Stop()
	var last int64
	lastChange := time.Now()
wait:
	for {
		select {
		case <-all: // every connection answered, or failed
			break wait
		case <-end.C:
			break wait
		case <-ctx.Done():
			break wait
		case <-tick.C:
		}
		// Until the first answer, the connection deadline is the bound.
		if n := answered.Load(); n != last {
			last, lastChange = n, time.Now()
		} else if n > 0 && time.Since(lastChange) >= IdleTouchWait {
			break wait
		}
	}
	for _, c := range conns {
		c.SetDeadline(time.Now()) // end the reads still waiting
	}
	wg.Wait()
	for _, c := range conns {
		c.SetDeadline(time.Time{})
	}
	return int(answered.Load())
}

func cmpErr(first, err error) error {
	if first != nil {
		return first
	}
	return err
}
