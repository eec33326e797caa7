package targets

import (
	"errors"

	"golang.org/x/sys/unix"
)

// retryable reports whether an accept error can pass with time.
func retryable(err error) bool {
	return errors.Is(err, unix.EMFILE) || errors.Is(err, unix.ENFILE) ||
		errors.Is(err, unix.ECONNABORTED) || errors.Is(err, unix.ENOBUFS) || errors.Is(err, unix.ENOMEM)
}
