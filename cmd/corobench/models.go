package main

import (
	"slices"
	"strings"

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

// model is one entry of the list of models.
type model struct {
	new func(targets.Config) targets.Server
	// gomaxprocs, when not zero, is the GOMAXPROCS the model runs under.
	gomaxprocs int
	// procs, when set, decides the GOMAXPROCS from the model's config; it
	// wins over gomaxprocs.
	procs func(targets.Config) int
}

// models is the list of models, built here, where it is used.
func models() map[string]model {
	return map[string]model{
		"loop":        {new: func(c targets.Config) targets.Server { return loop.New(c) }},
		"goroutine":   {new: func(c targets.Config) targets.Server { return goroutine.New(c) }},
		"goroutine-1": {new: func(c targets.Config) targets.Server { return goroutine.New(c) }, gomaxprocs: 1},
		"process":     {new: func(c targets.Config) targets.Server { return process.New(c) }},
		"prefork":     {new: func(c targets.Config) targets.Server { return prefork.New(c) }},
		"thread":      {new: func(c targets.Config) targets.Server { return thread.New(c) }, procs: thread.GOMAXPROCS},
		"threadpool":  {new: func(c targets.Config) targets.Server { return threadpool.New(c) }, procs: threadpool.GOMAXPROCS},
		"eventloop":   {new: func(c targets.Config) targets.Server { return eventloop.New(c) }},
		"reactors":    {new: func(c targets.Config) targets.Server { return reactors.New(c) }},
		"coro":        {new: func(c targets.Config) targets.Server { return coro.New(c) }},
	}
}

// modelNames lists the models' names, sorted.
func modelNames() string {
	var names []string
	for n := range models() {
		names = append(names, n)
	}
	slices.Sort(names)
	return strings.Join(names, ", ")
}
