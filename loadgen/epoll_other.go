//go:build !linux

package loadgen

import (
	"context"
	"errors"
)

// epollSupported says whether this system has the epoll engine.
const epollSupported = false

func runEpoll(context.Context, *runState, int) (Engine, error) {
	return "", errors.New("loadgen: the epoll engine needs Linux")
}
