package main

import (
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/corobench/corobench/work"
)

func calibrateCmd(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("calibrate", flag.ContinueOnError)
	d := fs.Duration("t", 500*time.Millisecond, "how long to measure")
	starts := fs.Bool("starts", false, "also measure what starting a process costs: true, and the process model's child")
	if err := parseFlags(fs, args, stderr); err != nil {
		return err
	}
	rate := work.Calibrate(*d)
	fmt.Fprintf(stdout, "%.1f units/µs (1 ms of work = %d units)\n", float64(rate), rate.Units(1000))
	if *starts {
		costs, warnings := startCosts(rate)
		printStarts(stdout, costs, warnings)
	}
	return nil
}
