// Package coro is the coroutine model, how gevent is built (greenlet +
// libev): one OS thread runs one epoll loop, and each connection is served
// by plain sequential code — read a request, do the work, write the answer,
// repeat — running in a coroutine of its own (iter.Pull). When that code
// would block (a read or write that returns EAGAIN, an IO wait) it yields to
// the loop what it waits for: readable, writable, or a time. The loop
// resumes it when that is ready. No goroutine is scheduled per connection
// and the handler has no callbacks: the coroutine switches straight between
// the loop's stack and the connection's, on the loop's OS thread.
//
// CPU work runs inside the coroutine, on the loop's thread, and stalls every
// connection, as in gevent. So does file IO (/files/, /disk): a file's read
// or write is a blocking syscall that no readiness can announce, made inline
// by the coroutine on the loop's thread (gevent too blocks its hub on a
// regular file unless it hands the call to a thread pool).
//
// The chat room runs on the same loop. Over TCP (ChatServer) each member is
// two coroutines, a reader and a writer, so the fan-out never waits on a
// member's socket. Over UDP (ChatDatagramServer) one reader coroutine reads
// every datagram (recvmsg), yielding when none has come, serves each command
// and puts a message's line into each other member's outbox (chat.Outbox,
// bounded: full, the line is dropped and counted); each member, from login
// to quit, idle-forget or kick, has a sender coroutine that yields until its
// outbox has lines, then sends them a datagram each, yielding while the
// socket would block.
//
// It exists on Linux only; elsewhere Serve returns targets.ErrUnsupported.
package coro

import (
	"github.com/corobench/corobench/targets"
)

// Server runs one event loop whose connections are coroutines.
type Server struct {
	app *targets.App
	// onRead, when set (by tests), is called inside a connection's
	// coroutine with every chunk it reads, and the loop's thread id.
	onRead func(loopTID int, b []byte)
}

var _ targets.Server = (*Server)(nil)

// New returns a coroutine server.
func New(cfg targets.Config) *Server {
	return &Server{app: cfg.App}
}
