package eventloop_test

import (
	"testing"

	"github.com/corobench/corobench/targets"
	"github.com/corobench/corobench/targets/conformance"
	"github.com/corobench/corobench/targets/eventloop"
)

// The bad-input suite in this process, so that the race detector and the
// goroutine-leak check see the model's own code under it.
func TestHostileInput(t *testing.T) {
	srv := eventloop.New(targets.Config{App: conformance.App("eventloop")})
	conformance.RunHostile(t, conformance.Serve(t, srv), "eventloop")
}
