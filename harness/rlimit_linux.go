package harness

import (
	"fmt"

	"golang.org/x/sys/unix"
)

// raiseFileLimit raises this process's soft limit on open files to at least
// n, up to the hard limit. Go passes a limit set with setrlimit on to the
// targets it starts.
func raiseFileLimit(n int) error {
	var lim unix.Rlimit
	if err := unix.Getrlimit(unix.RLIMIT_NOFILE, &lim); err != nil {
		return fmt.Errorf("harness: open-file limit: %w", err)
	}
	if lim.Cur >= uint64(n) {
		return nil
	}
	lim.Cur = min(max(uint64(n), lim.Cur), lim.Max)
	if err := unix.Setrlimit(unix.RLIMIT_NOFILE, &lim); err != nil {
		return fmt.Errorf("harness: raise open-file limit: %w", err)
	}
	if lim.Cur < uint64(n) {
		return fmt.Errorf("harness: open-file limit %d is below the %d connections asked; raise it with ulimit -Hn", lim.Cur, n)
	}
	return nil
}
