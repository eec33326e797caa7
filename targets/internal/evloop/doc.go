// Package evloop is the skeleton every event-loop model runs on: one loop on
// one locked OS thread that waits in a readiness call, accepts (drained to
// EAGAIN, pausing with targets.AcceptPause when out of descriptors), fires its
// timers (whose earliest sets the wait's timeout), and on context end stops
// accepting, lets each connection finish and returns once the last is gone.
//
// A model puts on it only what differs, as a Handler: what a new connection
// is, what its socket's readiness and its timer do, and how it stops. The
// loop keeps the connections by file descriptor; its Multiplexer (epoll,
// from internal/poller) is the seam where another readiness call can go.
// A multi-loop model (reactors) sends the connections one loop accepts to
// other loops with OnAccept, Open, Wake and OnWake.
//
// It exists on Linux only.
package evloop
