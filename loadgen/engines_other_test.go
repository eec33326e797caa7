//go:build !linux

package loadgen_test

import "github.com/corobench/corobench/loadgen"

// platformEngines are the engines this system has besides the automatic
// choice, tested one by one.
var platformEngines []loadgen.Engine
