package targets

import (
	"errors"

	"golang.org/x/sys/unix"

	"github.com/corobench/corobench/internal/poller"
)

// retryable reports whether an accept error can pass with time: those the
// event loops pause on, and an aborted connection (which their accept skips).
func retryable(err error) bool {
	return poller.Retryable(err) || errors.Is(err, unix.ECONNABORTED)
}
