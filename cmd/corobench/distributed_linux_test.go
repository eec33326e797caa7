package main

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"

	"github.com/corobench/corobench/harness"
	"github.com/corobench/corobench/protocol"
	"github.com/corobench/corobench/results"
)

// Load from many machines, as deploy/kubernetes runs it, on one: N agents
// given one -start-at load one target, each from a network namespace of
// its own joined to the target's by a veth pair (loopback where the
// machine does not allow namespaces); their results, printed on stdout
// with -json - and merged, count what the target says it answered.
func TestDistributedAgents(t *testing.T) {
	t.Parallel()
	const agents = 3
	nw, err := agentNetwork(t, agents)
	if err != nil {
		t.Logf("no network namespaces (%v): the agents share the loopback", err)
	}
	ready, err := harness.Start(context.Background(), nw.wrap(nw.targetNS,
		binary, "serve", "-model", "goroutine", "-cpu-rate", "500", "-addr", nw.listen), 10*time.Second)
	require.NoError(t, err)
	t.Cleanup(func() { ready.Kill() })
	_, port, err := net.SplitHostPort(ready.Ready.Addr)
	require.NoError(t, err)

	start := time.Now().Add(2 * time.Second).UTC().Format(time.RFC3339Nano)
	dir := t.TempDir()
	logs := make([]string, agents)
	var wg sync.WaitGroup
	for i := range agents {
		logs[i] = filepath.Join(dir, fmt.Sprintf("agent-%d.log", i))
		argv := nw.wrap(nw.agentNS(i), binary, "load", "-json", "-", "-start-at", start, "-c", "2", "-d", "1s",
			"http://"+nw.targetAddr(i, port)+"/health")
		wg.Go(func() {
			cmd := exec.Command(argv[0], argv[1:]...)
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			assert.NoError(t, cmd.Run(), "agent %d: %s", i, stderr.String())
			assert.NoError(t, os.WriteFile(logs[i], stdout.Bytes(), 0o644))
		})
	}
	wg.Wait()

	merged := filepath.Join(dir, "all.json")
	var stdout, stderr bytes.Buffer
	require.NoError(t, run(context.Background(), append([]string{"merge", "-o", merged}, logs...), nil, &stdout, &stderr), stderr.String())
	f, err := results.ReadFile(merged)
	require.NoError(t, err)
	load := f.Scenarios[0].Runs[0].Load
	assert.Empty(t, load.Errors)
	assert.Equal(t, agents*2, load.Conns)
	assert.NotContains(t, strings.Join(load.Warnings, "\n"), "start-at", "every agent began on time")
	assert.Positive(t, load.Requests)

	answered, err := nw.stats(ready.Ready.Addr, port)
	require.NoError(t, err)
	// Requests in flight when the window closed may have been answered.
	assert.GreaterOrEqual(t, answered, load.Requests)
	assert.LessOrEqual(t, answered, load.Requests+load.Unfinished)
	t.Logf("%d agents (%s): %d requests, %d unfinished; the target answered %d", agents, nw.where(), load.Requests, load.Unfinished, answered)
}

// agents is where the target and the agents run: network namespaces, or
// (zero) the loopback.
type agents struct {
	prefix   string // of the namespaces' names; "" on the loopback
	targetNS string
	listen   string // the target's -addr
}

// agentNetwork makes a namespace for the target and one for each of n
// agents, each agent's joined to the target's by a veth pair with
// addresses of TEST-NET-1 (192.0.2.0/24, never routed), which live only
// inside the namespaces; they are deleted when the test ends.
func agentNetwork(t *testing.T, n int) (agents, error) {
	loopback := agents{listen: "127.0.0.1:0"}
	if os.Geteuid() != 0 {
		return loopback, fmt.Errorf("not root")
	}
	ip, err := exec.LookPath("ip")
	if err != nil {
		return loopback, fmt.Errorf("no ip command (iproute2)")
	}
	a := agents{prefix: fmt.Sprintf("cb%d", os.Getpid()%100000), listen: "0.0.0.0:0"}
	a.targetNS = a.prefix + "t"
	cmds := [][]string{{"netns", "add", a.targetNS}, {"-n", a.targetNS, "link", "set", "lo", "up"}}
	for i := range n {
		ns := a.agentNS(i)
		va, vt := fmt.Sprintf("%sa%d", a.prefix, i), fmt.Sprintf("%st%d", a.prefix, i)
		cmds = append(cmds,
			[]string{"netns", "add", ns},
			[]string{"-n", ns, "link", "set", "lo", "up"},
			[]string{"link", "add", va, "netns", ns, "type", "veth", "peer", "name", vt, "netns", a.targetNS},
			[]string{"-n", ns, "addr", "add", a.agentIP(i) + "/30", "dev", va},
			[]string{"-n", ns, "link", "set", va, "up"},
			[]string{"-n", a.targetNS, "addr", "add", a.targetIP(i) + "/30", "dev", vt},
			[]string{"-n", a.targetNS, "link", "set", vt, "up"})
	}
	t.Cleanup(func() {
		for i := range n {
			exec.Command(ip, "netns", "del", a.agentNS(i)).Run()
		}
		exec.Command(ip, "netns", "del", a.targetNS).Run()
	})
	for _, c := range cmds {
		if out, err := exec.Command(ip, c...).CombinedOutput(); err != nil {
			return loopback, fmt.Errorf("ip %s: %v: %s", strings.Join(c, " "), err, bytes.TrimSpace(out))
		}
	}
	return a, nil
}

func (a agents) agentNS(i int) string {
	if a.prefix == "" {
		return ""
	}
	return fmt.Sprintf("%sa%d", a.prefix, i)
}

// agentIP and targetIP are the two ends of agent i's link: 192.0.2.4i+2
// and 4i+1, in a /30 of their own.
func (a agents) agentIP(i int) string  { return fmt.Sprintf("192.0.2.%d", 4*i+2) }
func (a agents) targetIP(i int) string { return fmt.Sprintf("192.0.2.%d", 4*i+1) }

// targetAddr is where agent i reaches the target.
func (a agents) targetAddr(i int, port string) string {
	if a.prefix == "" {
		return "127.0.0.1:" + port
	}
	return a.targetIP(i) + ":" + port
}

// wrap runs argv in namespace ns (as it is, on the loopback).
func (a agents) wrap(ns string, argv ...string) []string {
	if ns == "" {
		return argv
	}
	return append([]string{"ip", "netns", "exec", ns}, argv...)
}

// stats asks the target how many requests it answered, from inside its
// namespace: a goroutine whose thread joins it makes the connection, and
// the thread ends with the goroutine.
func (a agents) stats(addr, port string) (int64, error) {
	type result struct {
		n   int64
		err error
	}
	done := make(chan result, 1)
	go func() {
		if a.prefix != "" {
			runtime.LockOSThread() // never unlocked: the thread, in the namespace, ends with the goroutine
			ns, err := os.Open("/var/run/netns/" + a.targetNS)
			if err != nil {
				done <- result{err: err}
				return
			}
			defer ns.Close()
			if err := unix.Setns(int(ns.Fd()), unix.CLONE_NEWNET); err != nil {
				done <- result{err: err}
				return
			}
			addr = "127.0.0.1:" + port
		}
		n, err := askStats(addr)
		done <- result{n, err}
	}()
	r := <-done
	return r.n, r.err
}

// askStats makes GET /stats on a connection of its own, made on the
// calling thread.
func askStats(addr string) (int64, error) {
	c, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		return 0, err
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := c.Write([]byte("GET /stats HTTP/1.1\r\nHost: t\r\n\r\n")); err != nil {
		return 0, err
	}
	buf := make([]byte, 0, 4096)
	var resp protocol.Response
	for {
		n, err := c.Read(buf[len(buf):cap(buf)])
		if err != nil {
			return 0, err
		}
		buf = buf[:len(buf)+n]
		if m, err := protocol.ParseResponse(buf, &resp); err != nil {
			return 0, err
		} else if m > 0 {
			break
		}
	}
	var answered int64
	_, err = fmt.Sscanf(string(resp.Body), "requests %d", &answered)
	return answered, err
}

// where says where the agents ran.
func (a agents) where() string {
	if a.prefix == "" {
		return "on the loopback"
	}
	return "each in a network namespace of its own"
}
