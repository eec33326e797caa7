package main

import (
	"fmt"
	"io"
	"net"
	"time"

	"github.com/corobench/corobench/protocol"
)

// idleResult is the memory a target holds per idle connection.
type idleResult struct {
	target         string
	conns          int
	base, loaded   memory
	threads        int
	rssPer, pssPer float64
}

// holdIdle opens n connections to addr, each answered once (so every model
// has been through a request on it) and then left idle; close them with the
// returned function.
func holdIdle(addr string, n int) (func(), error) {
	conns := make([]net.Conn, 0, n)
	closeAll := func() {
		for _, c := range conns {
			c.Close()
		}
	}
	req := []byte("GET /health HTTP/1.1\r\nHost: bench\r\n\r\n")
	buf := make([]byte, 512)
	for range n {
		c, err := net.DialTimeout("tcp", addr, 5*time.Second)
		if err != nil {
			closeAll()
			return nil, fmt.Errorf("connection %d of %d: %w", len(conns)+1, n, err)
		}
		conns = append(conns, c)
		c.SetDeadline(time.Now().Add(5 * time.Second))
		if _, err := c.Write(req); err != nil {
			closeAll()
			return nil, err
		}
		var got []byte
		for {
			var resp protocol.Response
			if m, err := protocol.ParseResponse(got, &resp); err != nil || m > 0 {
				break
			}
			m, err := c.Read(buf)
			got = append(got, buf[:m]...)
			if err == io.EOF || (err != nil && m == 0) {
				closeAll()
				return nil, fmt.Errorf("connection %d: %v", len(conns), err)
			}
		}
		c.SetDeadline(time.Time{})
	}
	return closeAll, nil
}

// measureIdle starts a target, measures its memory, opens n idle
// connections, lets it settle and measures again.
func (b *bench) measureIdle(t target, n int) (idleResult, error) {
	tg, err := b.start(t)
	if err != nil {
		return idleResult{}, err
	}
	defer tg.Stop(5 * time.Second)
	pid, addr := tg.Ready.PID, tg.Ready.Addr
	release, err := holdIdle(addr, 10) // a few requests, so that lazy start-up costs are in the base
	if err != nil {
		return idleResult{}, err
	}
	release()
	time.Sleep(500 * time.Millisecond)
	base, err := memoryOf(pid)
	if err != nil {
		return idleResult{}, err
	}
	release, err = holdIdle(addr, n)
	if err != nil {
		return idleResult{}, err
	}
	defer release()
	time.Sleep(time.Second)
	loaded, err := memoryOf(pid)
	if err != nil {
		return idleResult{}, err
	}
	return idleResult{
		target: t.name, conns: n, base: base, loaded: loaded, threads: threadsOf(pid),
		rssPer: float64(loaded.rss-base.rss) / float64(n),
		pssPer: float64(loaded.pss-base.pss) / float64(n),
	}, nil
}
