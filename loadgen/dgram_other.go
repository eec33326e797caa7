//go:build !linux

package loadgen

import (
	"context"
	"errors"
)

func runDatagramLoops(context.Context, *drun, int) (dstats, error) {
	return dstats{}, errors.New("loadgen: the epoll engine needs Linux")
}
