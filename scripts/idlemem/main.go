// Command idlemem measures what an idle connection costs a target: it starts
// `corobench serve -model M`, opens N connections that each make one /health
// round trip (so the target has accepted and served them) and then idle,
// and prints the target's memory (RSS and PSS, its whole process tree) and
// threads and processes before and after, per connection.
//
//	go run ./scripts/idlemem -bin bin/corobench -model goroutine -conns 10000
//
// It is Linux only (it reads /proc). scripts/idle-memory.sh runs it for
// every blocking model with the counts the docs quote.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/corobench/corobench/internal/proctest"
	"github.com/corobench/corobench/scenarios"
)

func main() {
	bin := flag.String("bin", "bin/corobench", "the corobench binary")
	model := flag.String("model", "goroutine", "the model to measure")
	conns := flag.Int("conns", 1000, "idle connections to open")
	settle := flag.Duration("settle", 2*time.Second, "pause before each measurement")
	cpus := flag.String("cpus", "", "pin the target to these CPUs")
	flag.Parse()
	if err := run(*bin, *model, *conns, *settle, *cpus); err != nil {
		fmt.Fprintln(os.Stderr, "idlemem:", err)
		os.Exit(1)
	}
}

func run(bin, model string, n int, settle time.Duration, cpus string) error {
	// The models' default caps (thread 2000, process 512) hold the counts
	// the docs quote; a larger count needs -max-conns, which for thread also
	// changes GOMAXPROCS.
	argv := []string{bin, "serve", "-model", model, "-cpu-rate", "500"}
	if cpus != "" {
		argv = append(argv, "-cpus", cpus)
	}
	tgt, err := scenarios.Start(context.Background(), argv, 30*time.Second)
	if err != nil {
		return err
	}
	defer tgt.Kill()
	time.Sleep(settle)
	before, err := measure(tgt.Ready.PID)
	if err != nil {
		return err
	}
	var open []net.Conn
	defer func() {
		for _, c := range open {
			c.Close()
		}
	}()
	for i := range n {
		c, err := roundTrip(tgt.Ready.Addr)
		if err != nil {
			return fmt.Errorf("connection %d: %w", i, err)
		}
		open = append(open, c)
	}
	time.Sleep(settle)
	after, err := measure(tgt.Ready.PID)
	if err != nil {
		return err
	}
	per := func(a, b int64) float64 { return float64(b-a) / float64(n) }
	fmt.Printf("model=%s conns=%d gomaxprocs=%d\n", model, n, tgt.Ready.GOMAXPROCS)
	fmt.Printf("  before: rss=%d KiB pss=%d KiB threads=%d processes=%d\n", before.rss, before.pss, before.threads, before.procs)
	fmt.Printf("  after:  rss=%d KiB pss=%d KiB threads=%d processes=%d\n", after.rss, after.pss, after.threads, after.procs)
	fmt.Printf("  per connection: rss=%.1f KiB pss=%.1f KiB threads=%.2f processes=%.2f\n",
		per(before.rss, after.rss), per(before.pss, after.pss),
		per(int64(before.threads), int64(after.threads)), per(int64(before.procs), int64(after.procs)))
	return nil
}

// roundTrip opens a connection and waits for one /health answer on it.
func roundTrip(addr string) (net.Conn, error) {
	c, err := net.DialTimeout("tcp", addr, 10*time.Second)
	if err != nil {
		return nil, err
	}
	c.SetDeadline(time.Now().Add(30 * time.Second))
	if _, err := io.WriteString(c, "GET /health HTTP/1.1\r\nHost: t\r\n\r\n"); err != nil {
		c.Close()
		return nil, err
	}
	buf := make([]byte, 512)
	got := 0
	for !strings.Contains(string(buf[:got]), "\r\n\r\n") || !strings.HasSuffix(string(buf[:got]), "\n") {
		m, err := c.Read(buf[got:])
		if err != nil {
			c.Close()
			return nil, err
		}
		got += m
	}
	c.SetDeadline(time.Time{})
	return c, nil
}

// tree is the memory, threads and processes of a process and its children.
type tree struct {
	rss, pss       int64 // KiB
	threads, procs int
}

func measure(pid int) (tree, error) {
	var t tree
	pids := []int{pid}
	kids, err := proctest.Children(pid)
	if err != nil {
		return t, err
	}
	for _, k := range kids {
		pids = append(pids, k.PID)
	}
	for _, p := range pids {
		rss, pss, err := smaps(p)
		if err != nil {
			continue // gone meanwhile
		}
		th, _ := proctest.Threads(p)
		t.rss, t.pss, t.threads, t.procs = t.rss+rss, t.pss+pss, t.threads+th, t.procs+1
	}
	return t, nil
}

func smaps(pid int) (rss, pss int64, err error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/smaps_rollup", pid))
	if err != nil {
		return 0, 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		if len(f) < 2 {
			continue
		}
		v, _ := strconv.ParseInt(f[1], 10, 64)
		switch f[0] {
		case "Rss:":
			rss = v
		case "Pss:":
			pss = v
		}
	}
	return rss, pss, nil
}
