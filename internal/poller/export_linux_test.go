package poller

// WakeFD is p's eventfd, for tests that need its number.
func WakeFD(p *Poller) int { return p.waker.FD() }
