package results

// Datagram is what a load over datagrams (UDP) measured beyond its
// requests: how its clients were set up, what they sent, how many of them
// the target served, the answers that matched no request in flight, and
// the datagrams dropped in the kernel. A request that got no answer in
// time is an error of kind "lost" (Load.Errors).
type Datagram struct {
	// Window is how many requests each client kept in flight, at most.
	Window int `json:"window"`
	// Sockets is how many sockets the clients shared (one each, by
	// default).
	Sockets int `json:"sockets"`
	// Sent counts the request datagrams sent in the measured window.
	Sent int64 `json:"sent"`
	// Served is how many of the clients (Load.Conns) got at least one
	// answer in the measured window.
	Served int `json:"served"`
	// Strays counts the answer datagrams that answered no request in
	// flight, by kind: late (after its request was counted lost),
	// duplicate, malformed, foreign (an id the client never sent).
	Strays map[string]int64 `json:"strays,omitempty"`
	// TargetDrops counts the datagrams the target's sockets dropped in the
	// measured window, their receive buffers full (the drops column of
	// /proc/net/udp, for the sockets bound to the target's port); -1 when
	// not known (a target on another machine, a system without /proc).
	TargetDrops int64 `json:"target_drops"`
	// ClientDrops is the same for the client's own sockets: answers it did
	// not read in time.
	ClientDrops int64 `json:"client_drops"`
	// RcvbufErrors is the machine's count of UDP datagrams dropped for a
	// full receive buffer (RcvbufErrors in /proc/net/snmp) over the
	// measured window: every socket's, target and client included; -1
	// when not known.
	RcvbufErrors int64 `json:"rcvbuf_errors"`
}

// StrayCount is the number of stray answers of every kind.
func (d *Datagram) StrayCount() int64 {
	if d == nil {
		return 0
	}
	var n int64
	for _, c := range d.Strays {
		n += c
	}
	return n
}

// merge adds o, another client's record of the same run, to d: what the
// clients sent, served and saw adds up; the target's drops, which every
// client reads from the same sockets when it runs beside the target, and
// the machine's are the largest any client saw.
func (d *Datagram) merge(o *Datagram) *Datagram {
	if o == nil {
		return d
	}
	if d == nil {
		m := *o
		m.Strays = nil
		m.Sent, m.Served, m.ClientDrops, m.Sockets = 0, 0, 0, 0
		d = &m
	}
	d.Window = max(d.Window, o.Window)
	d.Sockets += o.Sockets
	d.Sent += o.Sent
	d.Served += o.Served
	addCounts(&d.Strays, o.Strays)
	d.TargetDrops = max(d.TargetDrops, o.TargetDrops)
	d.ClientDrops += max(o.ClientDrops, 0)
	d.RcvbufErrors = max(d.RcvbufErrors, o.RcvbufErrors)
	return d
}
