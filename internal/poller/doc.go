// Package poller is the plumbing the event-loop models and the load
// generator's epoll engine share: an epoll instance with an eventfd to wake
// it and read(2) and write(2) for non-blocking sockets (Linux only), a
// min-heap of timers whose earliest sets the epoll_wait timeout, and a free
// list of buffers that a connection borrows only while it has bytes in
// flight.
//
// Nothing here is safe for concurrent use except Poller.Wake: a loop owns its
// poller, timers and buffers, and runs on one OS thread.
package poller
