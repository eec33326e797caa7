package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/corobench/corobench/targets"
	"github.com/corobench/corobench/targets/coro"
	"github.com/corobench/corobench/targets/eventloop"
	"github.com/corobench/corobench/targets/goroutine"
	"github.com/corobench/corobench/targets/loop"
	"github.com/corobench/corobench/targets/prefork"
	"github.com/corobench/corobench/targets/process"
	"github.com/corobench/corobench/targets/reactors"
	"github.com/corobench/corobench/targets/thread"
	"github.com/corobench/corobench/targets/threadpool"
)

// models is the list of models, built here, where it is used, in the order
// the textbook meets them.
func models() []targets.Model {
	return []targets.Model{
		loop.Model(),
		process.Model(),
		prefork.Model(),
		thread.Model(),
		threadpool.Model(),
		eventloop.SelectModel(),
		eventloop.PollModel(),
		eventloop.Model(),
		eventloop.EdgeModel(),
		reactors.Model(),
		coro.Model(),
		goroutine.Model(),
		goroutine.OneThreadModel(),
	}
}

// findModel is the model of that name.
func findModel(name string) (targets.Model, bool) {
	for _, m := range models() {
		if m.Name == name {
			return m, true
		}
	}
	return targets.Model{}, false
}

// modelList is the models' names, in the list's order.
func modelList() []string {
	var names []string
	for _, m := range models() {
		names = append(names, m.Name)
	}
	return names
}

// datagramModels lists the names of the models that serve datagrams.
func datagramModels() string {
	var names []string
	for _, m := range models() {
		if m.Serves(targets.UDP) {
			names = append(names, m.Name)
		}
	}
	return strings.Join(names, ", ")
}

// modelNames lists the models' names for a message.
func modelNames() string { return strings.Join(modelList(), ", ") }

// knobHelp is a -workers or -max-conns flag's help: what it means for each
// model that has it.
func knobHelp(what string, knob func(targets.Model) string) string {
	var parts []string
	for _, m := range models() {
		if k := knob(m); k != "" {
			parts = append(parts, m.Name+": "+k)
		}
	}
	return what + " (" + strings.Join(parts, "; ") + "); 0: the model's default"
}

// modelInfo is a model's entry as `corobench models -json` prints it.
type modelInfo struct {
	Name       string              `json:"name"`
	Summary    string              `json:"summary"`
	Analogue   string              `json:"analogue"`
	Textbook   string              `json:"textbook,omitempty"`
	Transports []targets.Transport `json:"transports"`
	// Chat are the transports it serves the chat room over (-service chat).
	Chat       []targets.Transport `json:"chat,omitempty"`
	GOMAXPROCS string              `json:"gomaxprocs"`
	Workers    string              `json:"workers,omitempty"`
	MaxConns   string              `json:"max_conns,omitempty"`
}

// procsRule says in words what a model's GOMAXPROCS rule gives.
func procsRule(m targets.Model) string {
	switch m.GOMAXPROCS(targets.Config{}) {
	case 0:
		return "the CPUs it may use"
	case 1:
		return "1"
	}
	return fmt.Sprintf("%d with its defaults", m.GOMAXPROCS(targets.Config{}))
}

func modelsCmd(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("models", flag.ContinueOnError)
	asJSON := fs.Bool("json", false, "print the list as JSON")
	if err := parseFlags(fs, args, stderr); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: models takes no arguments", errUsage)
	}
	var list []modelInfo
	for _, m := range models() {
		list = append(list, modelInfo{Name: m.Name, Summary: m.Summary, Analogue: m.Analogue, Textbook: m.Textbook,
			Transports: m.Transports, Chat: m.Chat, GOMAXPROCS: procsRule(m), Workers: m.Workers, MaxConns: m.MaxConns})
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(list)
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "MODEL\tWHAT IT IS\tANALOGUE")
	for _, m := range list {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", m.Name, m.Summary, m.Analogue)
	}
	return tw.Flush()
}
