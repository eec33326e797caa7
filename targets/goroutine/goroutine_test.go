package goroutine_test

import (
	"testing"

	"github.com/corobench/corobench/targets"
	"github.com/corobench/corobench/targets/conformance"
	"github.com/corobench/corobench/targets/goroutine"
)

func TestConformance(t *testing.T) {
	srv := goroutine.New(targets.Config{App: conformance.App("goroutine")})
	conformance.Run(t, conformance.Serve(t, srv), "goroutine")
}

func TestHostileInput(t *testing.T) {
	srv := goroutine.New(targets.Config{App: conformance.App("goroutine")})
	conformance.RunHostile(t, conformance.Serve(t, srv), "goroutine")
}
