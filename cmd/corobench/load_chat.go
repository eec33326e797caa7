package main

import (
	"flag"
	"fmt"
	"net"
	"net/url"
	"strings"
	"time"

	"github.com/corobench/corobench/loadgen"
	"github.com/corobench/corobench/results"
)

// chatLoadFlags are the flags of a chat load (chat:// or chat+udp://).
type chatLoadFlags struct {
	on          bool // the URL is a chat room
	members     int
	rate        float64
	size        int
	slow, churn float64
	join, grace time.Duration
}

func (c *chatLoadFlags) define(fs *flag.FlagSet) {
	fs.IntVar(&c.members, "members", loadgen.DefaultChatMembers, "chat: members of the room")
	fs.Float64Var(&c.rate, "msg-rate", loadgen.DefaultChatRate, "chat: messages a second each reading member sends, on a schedule (open loop)")
	fs.IntVar(&c.size, "size", loadgen.DefaultChatSize, "chat: bytes of each message's text, its sequence number and send time included")
	fs.Float64Var(&c.slow, "slow", 0, "chat: the share of members that log in and never read")
	fs.Float64Var(&c.churn, "churn", 0, "chat: members a second that leave and log in again")
	fs.DurationVar(&c.join, "join", loadgen.DefaultChatJoin, "chat: the members log in one after another over this time, before the warm-up")
	fs.DurationVar(&c.grace, "grace", loadgen.DefaultChatGrace, "chat: how long a message may take to arrive before it counts as lost")
}

func (c *chatLoadFlags) config() loadgen.Chat {
	return loadgen.Chat{Members: c.members, Rate: c.rate, Size: c.size, Slow: c.slow, Churn: c.churn, Join: c.join, Grace: c.grace}
}

// check refuses the flags of a request mix with a chat URL.
func (c *chatLoadFlags) check(f *loadFlags) error {
	switch {
	case len(f.reqs) > 0 || f.method != "" || f.body != "" || f.bodyFile != "" || len(f.headers) > 0:
		return fmt.Errorf("a chat room takes no requests (-r, -m, -body, -H): its load is -members, -msg-rate, -size, -slow, -churn")
	case f.rate > 0 || f.steps != "" || f.trace != "" || f.batch > 0:
		return fmt.Errorf("a chat load is paced by -msg-rate per member, not -R, -steps, -trace or -batch")
	}
	return nil
}

// chatURL takes chat://host:port (TCP) or chat+udp://host:port apart; ok
// says the URL is a chat room's.
func chatURL(raw string) (t target, network string, ok bool, err error) {
	network = loadgen.NetTCP
	rest, ok := strings.CutPrefix(raw, "chat://")
	if !ok {
		if rest, ok = strings.CutPrefix(raw, "chat+udp://"); !ok {
			return target{}, "", false, nil
		}
		network = loadgen.NetUDP
	}
	u, err := url.Parse("chat://" + rest)
	if err != nil || u.Host == "" || (u.Path != "" && u.Path != "/") {
		return target{}, "", true, fmt.Errorf("want a URL such as chat://127.0.0.1:8080 or chat+udp://127.0.0.1:8080, not %q", raw)
	}
	if _, _, err := net.SplitHostPort(u.Host); err != nil {
		return target{}, "", true, fmt.Errorf("%q: a chat room needs its port", raw)
	}
	return target{addr: u.Host, hostname: u.Hostname(), chat: true}, network, true, nil
}

// chatBenchName names a chat run for the benchmark format.
func chatBenchName(l *results.Load) string {
	c := l.Chat
	if c == nil {
		return results.ModeChat
	}
	name := fmt.Sprintf("chat/%s/members=%d/R=%g", c.Net, c.Members, c.Rate)
	if c.Slow > 0 {
		name += fmt.Sprintf("/slow=%d", c.Slow)
	}
	return name
}
