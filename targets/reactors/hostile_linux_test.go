package reactors_test

import (
	"testing"

	"github.com/corobench/corobench/targets"
	"github.com/corobench/corobench/targets/conformancetest"
	"github.com/corobench/corobench/targets/reactors"
)

// The bad-input suite in this process, so that the race detector and the
// goroutine-leak check see the model's own code under it.
func TestHostileInput(t *testing.T) {
	srv := reactors.New(targets.Config{App: conformancetest.App("reactors")})
	conformancetest.RunHostile(t, conformancetest.Serve(t, srv), "reactors")
}
