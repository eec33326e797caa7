//go:build race

package main

// raceEnabled says the tests run under the race detector, which allows at
// most 8,128 live goroutines.
const raceEnabled = true
