package results

import "fmt"

// ModeChat is the chat load mode: members of one room, each sending
// messages at a rate, each message delivered to every other member. Its
// Load counts deliveries as requests: Requests are the messages members
// read whose send time was in the measured window, Latency their delivery
// latency (from the intended send time to the read, per recipient), and
// Throughput deliveries per second.
const ModeChat = "chat"

// Chat is what a chat load measured beyond its deliveries.
type Chat struct {
	// Net is the room's transport: tcp or udp.
	Net string `json:"net"`
	// Members is how many members were asked for; Joined how many logged
	// in; Slow how many of them never read (their deliveries are not
	// measured and not expected).
	Members int `json:"members"`
	Joined  int `json:"joined"`
	Slow    int `json:"slow,omitempty"`
	// Rate is the messages per second each reading member sent; Size the
	// bytes of each message's text.
	Rate float64 `json:"rate"`
	Size int     `json:"size"`
	// Churn is the members asked to leave and join again per second;
	// Rejoins how many did.
	Churn   float64 `json:"churn,omitempty"`
	Rejoins int64   `json:"rejoins,omitempty"`
	// Sent counts the messages sent whose intended send time was in the
	// measured window.
	Sent int64 `json:"sent"`
	// Received counts every message the reading members read over the
	// whole run, warm-up included; Lost, Duplicated and OutOfOrder are
	// counted over the same span. A message is lost to a reading member
	// that was in the room from before it was sent until a grace after,
	// and did not read it; duplicated when read twice in a row; out of
	// order when older than one already read from the same sender.
	Received   int64 `json:"received"`
	Lost       int64 `json:"lost"`
	Duplicated int64 `json:"duplicated,omitempty"`
	OutOfOrder int64 `json:"out_of_order,omitempty"`
	// Broadcasts counts the admin broadcasts (B lines) read.
	Broadcasts int64 `json:"broadcasts,omitempty"`
	// Strays counts lines that were no answer the client could take, by
	// kind: malformed, foreign (a sender not of this run), invented (a
	// sequence number its sender never sent), echo (a member's own
	// message), long (over the line limit), unexpected.
	Strays map[string]int64 `json:"strays,omitempty"`
	// Server is what the room's own counters (S) said over the measured
	// window; nil when the target did not answer S.
	Server *ChatServer `json:"server,omitempty"`
	// ClientDrops counts the datagrams (UDP) the kernel dropped at the
	// reading members' own sockets over the run, their receive buffers
	// full: each one a delivery lost at the client. TargetDrops counts those
	// dropped at the target's socket over the same span: each one a command,
	// mostly a message, which every other reading member then lacks. Both
	// are the sockets' own drop counts (sk_drops, the drops column of
	// /proc/net/udp); -1 when not known (a target on another machine, a
	// system without them); 0 over TCP.
	ClientDrops int64 `json:"client_drops,omitempty"`
	TargetDrops int64 `json:"target_drops,omitempty"`
	// BasePSS is the target's PSS, in bytes, before the members joined
	// (set by the harness, which samples the target); 0 when not known.
	BasePSS int64 `json:"base_pss,omitempty"`
}

// MemoryPerMember is the target's memory per member of the room, in
// bytes: its peak PSS over the measured window less its PSS before any
// member joined, over the members that joined; 0 when not known.
func (c *Chat) MemoryPerMember(r *Resources) float64 {
	if c == nil || r == nil || c.BasePSS <= 0 || r.PeakPSS <= 0 || c.Joined == 0 {
		return 0
	}
	return float64(r.PeakPSS-c.BasePSS) / float64(c.Joined)
}

// ChatServer is the room's counters as the target reports them (S), the
// difference over the measured window; Members is at its end.
type ChatServer struct {
	Members    int64 `json:"members"`
	Messages   int64 `json:"messages"`
	Deliveries int64 `json:"deliveries"`
	Dropped    int64 `json:"dropped"`
	Kicked     int64 `json:"kicked"`
}

// LossShare is the share of the messages owed to reading members that
// they did not get.
func (c *Chat) LossShare() float64 {
	if c == nil || c.Received+c.Lost == 0 {
		return 0
	}
	return float64(c.Lost) / float64(c.Received+c.Lost)
}

// Readers is how many members read (and sent).
func (c *Chat) Readers() int { return c.Members - c.Slow }

// LossSplit is where the lost messages were lost, in deliveries: at the
// reading members' sockets (each dropped datagram one delivery), at the
// target's socket (each dropped datagram a message owed to every other
// reading member; counted as such up to what is left of Lost), and the
// rest, elsewhere (the room's policy, a datagram the target's socket
// refused to send, a member that was gone). A count not known gives 0
// there, leaving its share in rest.
func (c *Chat) LossSplit() (client, target, rest int64) {
	if c == nil {
		return 0, 0, 0
	}
	client = min(max(c.ClientDrops, 0), c.Lost)
	target = min(max(c.TargetDrops, 0)*int64(max(c.Readers()-1, 0)), c.Lost-client)
	return client, target, c.Lost - client - target
}

// StrayCount is the number of stray lines of every kind.
func (c *Chat) StrayCount() int64 {
	if c == nil {
		return 0
	}
	var n int64
	for _, v := range c.Strays {
		n += v
	}
	return n
}

// ClientCPUPerDelivery is the load generator's CPU time per delivery it
// read in the measured window, in µs.
func (l *Load) ClientCPUPerDelivery() float64 {
	if l == nil || l.Requests == 0 {
		return 0
	}
	return (l.ClientUser + l.ClientSys) * 1e6 / float64(l.Requests)
}

// Since is s less before: the counters over a window; Members is s's.
func (s *ChatServer) Since(before *ChatServer) *ChatServer {
	if s == nil || before == nil {
		return s
	}
	return &ChatServer{Members: s.Members, Messages: s.Messages - before.Messages,
		Deliveries: s.Deliveries - before.Deliveries, Dropped: s.Dropped - before.Dropped, Kicked: s.Kicked - before.Kicked}
}

// merge adds o, another load generator's members of the same room, to c:
// the members and what they sent, read, lost and dropped add up; the room's
// counters and the target's drops and base memory, which every client
// reads from the same target, are the largest any client saw. The rate and
// size are averaged over the reading members. Rooms over different
// transports do not merge.
func (c *Chat) merge(o *Chat) (*Chat, error) {
	if o == nil {
		return c, nil
	}
	if c == nil {
		m := *o
		m.Members, m.Joined, m.Slow, m.Rate, m.Size, m.Churn = 0, 0, 0, 0, 0, 0
		m.Rejoins, m.Sent, m.Received, m.Lost, m.Duplicated, m.OutOfOrder, m.Broadcasts = 0, 0, 0, 0, 0, 0, 0
		m.Strays, m.ClientDrops = nil, 0
		if m.Server != nil {
			s := *m.Server
			m.Server = &s
		}
		c = &m
	}
	if c.Net != o.Net {
		return nil, fmt.Errorf("results: cannot merge a chat room over %s with one over %s", o.Net, c.Net)
	}
	if r := c.Readers() + o.Readers(); r > 0 {
		c.Rate = (c.Rate*float64(c.Readers()) + o.Rate*float64(o.Readers())) / float64(r)
		c.Size = (c.Size*c.Readers() + o.Size*o.Readers()) / r
	}
	c.Members += o.Members
	c.Joined += o.Joined
	c.Slow += o.Slow
	c.Churn += o.Churn
	c.Rejoins += o.Rejoins
	c.Sent += o.Sent
	c.Received += o.Received
	c.Lost += o.Lost
	c.Duplicated += o.Duplicated
	c.OutOfOrder += o.OutOfOrder
	c.Broadcasts += o.Broadcasts
	addCounts(&c.Strays, o.Strays)
	switch {
	case o.ClientDrops < 0 || c.ClientDrops < 0:
		c.ClientDrops = -1 // one client's count unknown: the sum is too
	default:
		c.ClientDrops += o.ClientDrops
	}
	c.TargetDrops = max(c.TargetDrops, o.TargetDrops)
	c.BasePSS = max(c.BasePSS, o.BasePSS)
	if s := o.Server; s != nil {
		if c.Server == nil {
			c.Server = &ChatServer{}
		}
		c.Server.Members = max(c.Server.Members, s.Members)
		c.Server.Messages = max(c.Server.Messages, s.Messages)
		c.Server.Deliveries = max(c.Server.Deliveries, s.Deliveries)
		c.Server.Dropped = max(c.Server.Dropped, s.Dropped)
		c.Server.Kicked = max(c.Server.Kicked, s.Kicked)
	}
	return c, nil
}
