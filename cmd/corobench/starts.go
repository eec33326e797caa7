package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"time"

	"github.com/corobench/corobench/internal/affinity"
	"github.com/corobench/corobench/results"
	"github.com/corobench/corobench/targets"
	"github.com/corobench/corobench/targets/process"
	"github.com/corobench/corobench/work"
)

// startRuns is how many times a suite starts each program to measure what
// a process start costs.
const startRuns = 20

// startCosts measures what starting a process costs on this machine: a
// program that exits at once (true), and the process model's child. It
// runs on the first CPU this process may use, where targets run unless a
// scenario says otherwise, then gives this process back the CPUs it had
// (under taskset, no more). A start that cannot be measured is left out,
// and a warning says why.
func startCosts(rate work.Rate) (costs []results.StartCost, warnings []string) {
	allowed, err := affinity.Allowed()
	if err != nil {
		return nil, []string{"start costs not measured: " + err.Error()}
	}
	if len(allowed) > 1 {
		if err := affinity.PinSelf(allowed[:1]); err != nil {
			return nil, []string{"start costs not measured: " + err.Error()}
		}
		defer func() {
			if err := affinity.PinSelf(allowed); err != nil {
				warnings = append(warnings, "after measuring start costs, this process could not be given its CPUs back: "+err.Error())
			}
		}()
	}
	measured := func(name string, argv []string, c process.StartCost, err error) {
		if err != nil {
			warnings = append(warnings, fmt.Sprintf("start cost of %s not measured: %v", name, err))
			return
		}
		costs = append(costs, results.StartCost{Name: name, Command: argv, Runs: c.Runs,
			Wall: micros(c.Wall), CPU: micros(c.CPU), ParentCPU: micros(c.ParentCPU)})
	}
	path := "/bin/true"
	if _, err := os.Stat(path); err != nil {
		path, err = exec.LookPath("true")
	}
	if path == "" {
		measured(results.StartTrue, nil, process.StartCost{}, errors.New("no true program"))
	} else {
		c, err := process.MeasureExec([]string{path}, startRuns)
		measured(results.StartTrue, []string{path}, c, err)
	}
	self, _, err := selfArgs() // serve warns of a missing child program
	if err == nil {
		var c process.StartCost
		c, err = process.MeasureChild(self, targets.NewApp("process", rate), startRuns)
		measured(results.StartChild, self, c, err)
	} else {
		measured(results.StartChild, nil, process.StartCost{}, err)
	}
	return costs, warnings
}

func micros(d time.Duration) float64 { return float64(d.Nanoseconds()) / 1e3 }

// printStarts writes the start costs, one line each.
func printStarts(w io.Writer, costs []results.StartCost, warnings []string) {
	for _, c := range costs {
		fmt.Fprintf(w, "start of %s: %.2f ms of CPU (child %.2f, parent %.2f), %.2f ms from start to reaped; medians of %d, %s\n",
			c.Name, (c.CPU+c.ParentCPU)/1e3, c.CPU/1e3, c.ParentCPU/1e3, c.Wall/1e3, c.Runs, strings.Join(c.Command, " "))
	}
	for _, w2 := range warnings {
		fmt.Fprintln(w, "warning:", w2)
	}
}
