package loadgen

import (
	"fmt"
	"time"
)

// Chat is the chat mode's settings (WithChat): members of one room, each
// sending messages open loop at a rate, each message's text carrying its
// sender's sequence number and intended send time, so that every recipient
// times its delivery and finds what was lost, duplicated or reordered.
//
// The room speaks the chat protocol (docs/chat.md): a member logs in with
// `L name`, says `C name text`, leaves with `Q name`, and reads
// `M sender text` for every other member's message.
type Chat struct {
	// Members is the size of the room.
	Members int
	// Rate is the messages per second each reading member sends, on a
	// schedule: a room that stalls shows as latency, not as fewer sends.
	Rate float64
	// Size is the bytes of each message's text, its sequence number and
	// send time included (padded to this size).
	Size int
	// Slow is the share of members that log in and never read (nor
	// send): the room must not stall on them. Their sockets have a
	// receive buffer of ChatSlowRcvbuf and segments of ChatSlowMSS, so
	// that what they leave unread backs up into the room within seconds.
	Slow float64
	// Churn is how many members a second leave (Q) and log in again
	// during the run.
	Churn float64
	// Join is the time over which the members join, one after another,
	// before the warm-up.
	Join time.Duration
	// Grace is how long a message may take to be read before it counts
	// as lost.
	Grace time.Duration
}

// Defaults and bounds of the chat mode.
const (
	DefaultChatMembers = 10
	DefaultChatRate    = 10
	DefaultChatSize    = 64
	DefaultChatJoin    = time.Second
	DefaultChatGrace   = time.Second
	// MaxChatMembers bounds a room: each reading member keeps 8 bytes per
	// other member to find losses and reordering.
	MaxChatMembers = 2000
	// MaxChatRate bounds each member's rate.
	MaxChatRate = 10_000
	// ChatMaxLine is the protocol's bound on a line, LF included.
	ChatMaxLine = 1024
	// MaxChatChurn bounds the members leaving (and joining again) a second.
	MaxChatChurn = 1000
	// MaxChatSlow is the largest share of slow members.
	MaxChatSlow = 0.5
	// ChatSlowRcvbuf is the receive buffer (SO_RCVBUF) a slow member asks
	// for, and ChatSlowMSS its largest TCP segment (TCP_MAXSEG, before it
	// connects): small, so that the room's outbox for it fills, and its
	// drops and disconnection show, within a run of seconds rather than
	// after the kernel's buffers fill (the room's side sizes its send
	// buffer by the segment, megabytes over loopback's 64 KiB ones). The
	// kernel doubles the buffer and keeps both above its own minimums.
	ChatSlowRcvbuf = 4 << 10
	ChatSlowMSS    = 536
)

// chatReadBuf is a TCP member's read buffer: many lines per read.
const chatReadBuf = 16 << 10

// chatKeepalive is how often a UDP member that sends nothing else says P,
// to stay in a room that removes silent members.
const chatKeepalive = 5 * time.Second

// WithChat makes the run a chat load: members of a room at the target
// (over WithNet's transport), as c says. Its result counts deliveries as
// requests (results.ModeChat).
func WithChat(c Chat) Option { return func(cfg *config) { cfg.chat = &c } }

// withDefaults fills what c leaves zero.
func (c Chat) withDefaults() Chat {
	if c.Members == 0 {
		c.Members = DefaultChatMembers
	}
	if c.Rate == 0 {
		c.Rate = DefaultChatRate
	}
	if c.Size == 0 {
		c.Size = DefaultChatSize
	}
	if c.Join == 0 {
		c.Join = DefaultChatJoin
	}
	if c.Grace == 0 {
		c.Grace = DefaultChatGrace
	}
	return c
}

// chatHeader bounds what a message's line takes besides its padding:
// "C " name " " seq " " nanoseconds " " and the LF.
const chatHeader = 2 + chatNameMax + 1 + 10 + 1 + 19 + 1 + 1

// chatNameMax is the longest name this client gives: "tttt.NNNN".
const chatNameMax = 4 + 1 + 4

// chatMinSize is the least text a message needs: seq and time.
const chatMinSize = 10 + 1 + 19

// ChatError is a chat setting out of its bounds; Key names it as a
// scenario file's load.chat does (members, rate, size, slow, churn, join,
// grace).
type ChatError struct{ Key, Msg string }

func (e *ChatError) Error() string { return "loadgen: chat " + e.Key + ": " + e.Msg }

// Check reports the first of c's settings out of its bounds, nil when
// all are in; zero settings are checked as their defaults.
func (c Chat) Check() *ChatError {
	c = c.withDefaults()
	bad := func(key, format string, args ...any) *ChatError {
		return &ChatError{Key: key, Msg: fmt.Sprintf(format, args...)}
	}
	switch maxSize := ChatMaxLine - chatHeader + chatMinSize; {
	case c.Members < 2 || c.Members > MaxChatMembers:
		return bad("members", "must be from 2 to %d, not %d", MaxChatMembers, c.Members)
	case c.Rate <= 0 || c.Rate > MaxChatRate:
		return bad("rate", "must be above 0 and at most %d messages a second per member, not %g", MaxChatRate, c.Rate)
	case c.Size < chatMinSize || c.Size > maxSize:
		return bad("size", "must be from %d to %d bytes, not %d", chatMinSize, maxSize, c.Size)
	case c.Slow < 0 || c.Slow > MaxChatSlow:
		return bad("slow", "the share must be from 0 to %g, not %g", MaxChatSlow, c.Slow)
	case c.Members-c.slow() < 2:
		return bad("slow", "a room needs at least 2 reading members, not %d of %d", c.Members-c.slow(), c.Members)
	case c.Churn < 0 || c.Churn > MaxChatChurn:
		return bad("churn", "must be from 0 to %d members a second, not %g", MaxChatChurn, c.Churn)
	case c.Join < 0:
		return bad("join", "must not be negative")
	case c.Grace < 0:
		return bad("grace", "must not be negative")
	}
	return nil
}

// validate checks a chat run's settings.
func (c *Chat) validate(cfg *config) error {
	if err := c.Check(); err != nil {
		return err
	}
	switch {
	case cfg.batch > 0 || cfg.pacer != nil || cfg.trace != nil:
		return fmt.Errorf("loadgen: a chat load paces itself (its rate per member): drop the batch, rate or trace")
	case cfg.pipeline > 1 || cfg.connPerReq || cfg.think > 0 || cfg.tls != nil:
		return fmt.Errorf("loadgen: a chat load has no pipelining, connection per request, think time or TLS")
	case cfg.duration <= 0 || cfg.warmup < 0 || cfg.timeout <= 0:
		return fmt.Errorf("loadgen: chat needs a positive duration and timeout, and a warm-up not negative")
	}
	return nil
}

// slow is how many members never read: the last ones.
func (c *Chat) slow() int { return int(c.Slow*float64(c.Members) + 0.5) }
