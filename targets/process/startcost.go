package process

import (
	"github.com/corobench/corobench/targets"
	"github.com/corobench/corobench/targets/internal/spawn"
)

// StartCost is what starting a program cost, from the start of its process
// to its reaping, as medians over starts made one after another.
type StartCost = spawn.Cost

// MeasureChild measures runs starts of this model's child, from self
// (Config.Self) as Serve starts it, each given a connection whose client
// has gone: what every connection costs beyond its requests.
func MeasureChild(self []string, app *targets.App, runs int) (StartCost, error) {
	return spawn.MeasureChild(self, app, runs)
}

// MeasureExec measures runs starts of argv run to its exit; /bin/true
// measures the least a process costs on this machine.
func MeasureExec(argv []string, runs int) (StartCost, error) {
	return spawn.MeasureExec(argv, runs)
}
