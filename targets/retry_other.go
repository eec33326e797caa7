//go:build !linux

package targets

import (
	"errors"
	"net"
)

// retryable reports whether an accept error can pass with time.
func retryable(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}
