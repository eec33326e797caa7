//go:build !linux

package targets

import "syscall"

// ReusePort does nothing where SO_REUSEPORT is not used.
func ReusePort(_, _ string, _ syscall.RawConn) error { return nil }
