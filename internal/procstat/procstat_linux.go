package procstat

import (
	"fmt"
	"os"
	"strconv"
	"time"
)

// ReadTree reads the tree rooted at pid: the root and every live
// descendant, found by their parent pids.
func ReadTree(root int) (Tree, error) {
	rootStat, err := readStat(root)
	if err != nil {
		return Tree{}, fmt.Errorf("procstat: process %d: %w", root, err)
	}
	pids := descendants(root)
	tr := Tree{switches: map[int]counts{}}
	add := func(pid int, st stat) {
		tr.User += ticks(st.utime + st.cutime)
		tr.Sys += ticks(st.stime + st.cstime)
		tr.Threads += st.threads
		tr.Processes++
		if b, err := os.ReadFile(procPath(pid, "status")); err == nil {
			rss, _ := parseKB(b, "VmRSS")
			tr.RSS += rss
		}
		if b, err := os.ReadFile(procPath(pid, "smaps_rollup")); err == nil {
			pss, _ := parseKB(b, "Pss")
			tr.PSS += pss
		}
		if fds, err := os.ReadDir(procPath(pid, "fd")); err == nil {
			tr.FDs += len(fds)
		}
		tasks, _ := os.ReadDir(procPath(pid, "task"))
		for _, t := range tasks {
			tid, err := strconv.Atoi(t.Name())
			if err != nil {
				continue
			}
			b, err := os.ReadFile(procPath(pid, "task/"+t.Name()+"/status"))
			if err != nil {
				continue
			}
			v, _ := parseKB(b, "voluntary_ctxt_switches")
			n, _ := parseKB(b, "nonvoluntary_ctxt_switches")
			var waited int64
			if b, err := os.ReadFile(procPath(pid, "task/"+t.Name()+"/schedstat")); err == nil {
				waited, _ = parseSchedstat(b)
			}
			tr.switches[tid] = counts{v, n, waited}
			tr.Voluntary += v
			tr.Involuntary += n
			tr.Waited += time.Duration(waited)
		}
	}
	add(root, rootStat)
	for _, pid := range pids {
		if st, err := readStat(pid); err == nil { // it may have exited since
			add(pid, st)
		}
	}
	return tr, nil
}

// descendants lists the live descendants of root, by a scan of /proc.
func descendants(root int) []int {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	children := map[int][]int{}
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == root {
			continue
		}
		if st, err := readStat(pid); err == nil {
			children[st.ppid] = append(children[st.ppid], pid)
		}
	}
	var out []int
	queue := []int{root}
	for len(queue) > 0 {
		p := queue[0]
		queue = queue[1:]
		out = append(out, children[p]...)
		queue = append(queue, children[p]...)
	}
	return out
}

func readStat(pid int) (stat, error) {
	b, err := os.ReadFile(procPath(pid, "stat"))
	if err != nil {
		return stat{}, err
	}
	return parseStat(b)
}

func procPath(pid int, name string) string {
	return "/proc/" + strconv.Itoa(pid) + "/" + name
}
