//go:build !linux

package loadgen

import (
	"net"
	"syscall"
)

// kernelDrops knows no kernel counts here: they stay -1 (not known).
type kernelDrops struct{ target, client, rcvbuf int64 }

func newKernelDrops(*net.UDPAddr) *kernelDrops { return &kernelDrops{-1, -1, -1} }

func (k *kernelDrops) mark()   {}
func (k *kernelDrops) finish() {}

// socketDrops is not known here.
func socketDrops(net.Conn) int64 { return -1 }

// shrinkSocket leaves the system's buffers here.
func shrinkSocket(string, syscall.RawConn) error { return nil }
