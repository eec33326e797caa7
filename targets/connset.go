package targets

import (
	"context"
	"net"
	"sync"
	"time"
)

// ConnSet is the set of a server's open connections. When the server's
// context ends it sets a read deadline of now on each, so that a read blocked
// on an idle connection returns at once and shutdown does not wait for idle
// clients; a grace later it closes those still open (a write blocked on a
// client that does not read, a request still waiting), so shutdown ends
// whatever the clients do. One set costs a map entry per connection, a small
// part of what a context.AfterFunc per connection costs.
type ConnSet struct {
	served sync.WaitGroup
	mu     sync.Mutex
	conns  map[net.Conn]struct{}
	done   bool
}

// NewConnSet returns a set whose connections are woken when ctx ends and
// closed grace later; call stop when the server returns.
func NewConnSet(ctx context.Context, grace time.Duration) (set *ConnSet, stop func()) {
	set = &ConnSet{conns: make(map[net.Conn]struct{})}
	late, cancel := AfterGrace(ctx, grace)
	stopWake := context.AfterFunc(ctx, set.wake)
	stopAbort := context.AfterFunc(late, set.abort)
	return set, func() {
		stopWake()
		stopAbort()
		cancel()
	}
}

// Add adds c to the set before it is served. It reports false once the
// context has ended: the caller closes c instead of serving it.
func (s *ConnSet) Add(c net.Conn) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.done {
		return false
	}
	s.conns[c] = struct{}{}
	s.served.Add(1)
	return true
}

// Remove takes c out of the set once it is served.
func (s *ConnSet) Remove(c net.Conn) {
	s.mu.Lock()
	delete(s.conns, c)
	s.mu.Unlock()
	s.served.Done()
}

// Wait waits until every connection added is removed.
func (s *ConnSet) Wait() { s.served.Wait() }

func (s *ConnSet) wake() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.done = true
	now := time.Now()
	for c := range s.conns {
		c.SetReadDeadline(now)
	}
}

// abort closes the connections still open: a blocked read or write fails.
// It closes them outside the lock: a net.Conn's Close waits for the read or
// write it ends to return, and the goroutine that made it then takes the
// lock to Remove the connection.
func (s *ConnSet) abort() {
	s.mu.Lock()
	open := make([]net.Conn, 0, len(s.conns))
	for c := range s.conns {
		open = append(open, c)
	}
	s.mu.Unlock()
	for _, c := range open {
		c.Close()
	}
}
