package harness

import (
	"cmp"
	"time"

	"github.com/corobench/corobench/loadgen"
	"github.com/corobench/corobench/results"
)

// ChatLoad is a chat load's room (load.mode chat): members of one room at
// the target, each sending messages at a rate (docs/loadgen.md, Chat rooms).
type ChatLoad struct {
	Members int      `yaml:"members" doc:"members of the room (default 10, at most 2,000)"`
	Rate    float64  `yaml:"rate" doc:"messages a second each reading member sends, on a schedule (default 10): a room of N members is owed (N-1) deliveries per message"`
	Size    int      `yaml:"size" doc:"bytes of each message's text, its sequence number and send time included (default 64; 30 to 1,003)"`
	Slow    float64  `yaml:"slow" doc:"share of the members that log in and never read nor send (0 to 0.5)"`
	Churn   float64  `yaml:"churn" doc:"members a second that leave and log in again"`
	Join    Duration `yaml:"join" doc:"the members log in one after another over this time, before the warm-up (default 1s)"`
	Grace   Duration `yaml:"grace" doc:"how long a message may take to arrive before it counts as lost (default 1s)"`
}

// Services a target may serve (TargetSpec.Service).
const (
	ServiceHTTP = "http"
	ServiceChat = "chat"
)

// chatOptions is the load generator's chat mode for l.
func chatOptions(l Load) []loadgen.Option {
	c := l.Chat
	return []loadgen.Option{loadgen.WithChat(loadgen.Chat{Members: c.Members, Rate: c.Rate, Size: c.Size, Slow: c.Slow,
		Churn: c.Churn, Join: time.Duration(c.Join), Grace: time.Duration(c.Grace)})}
}

// chatDefaults fills what a chat load leaves out, and makes every target
// that does not say otherwise serve chat.
func (s *Scenario) chatDefaults() {
	l := &s.Load
	if l.Mode != results.ModeChat {
		return
	}
	if l.Chat == nil {
		l.Chat = &ChatLoad{}
	}
	c := l.Chat
	c.Members = cmp.Or(c.Members, loadgen.DefaultChatMembers)
	c.Rate = cmp.Or(c.Rate, loadgen.DefaultChatRate)
	c.Size = cmp.Or(c.Size, loadgen.DefaultChatSize)
	c.Join = cmp.Or(c.Join, Duration(loadgen.DefaultChatJoin))
	c.Grace = cmp.Or(c.Grace, Duration(loadgen.DefaultChatGrace))
	for i := range s.Targets {
		if s.Targets[i].Service == "" {
			s.Targets[i].Service = ServiceChat
		}
	}
}

// validateChat checks a chat load's room, and that its targets serve chat.
func (s *Scenario) validateChat(bad func(key, format string, args ...any)) {
	l := &s.Load
	c := l.Chat
	if err := (loadgen.Chat{Members: c.Members, Rate: c.Rate, Size: c.Size, Slow: c.Slow, Churn: c.Churn,
		Join: time.Duration(c.Join), Grace: time.Duration(c.Grace)}).Check(); err != nil {
		bad("load.chat."+err.Key, "%s", err.Msg)
	}
	if len(s.Requests) > 0 {
		bad("requests", "a chat load sends messages, not requests: drop requests")
	}
	if l.Rate != 0 || len(l.Phases) > 0 || l.Batch != 0 || l.ConnPerReq || l.Pipeline > 1 || l.ThinkTime != 0 ||
		len(l.Background) > 0 || l.OpenRate != 0 {
		bad("load.mode", "a chat load is its room (load.chat): no rate, phases, batch, conn_per_request, pipeline, think_time or background_idle")
	}
}

// Duration of a chat run before its measured window (the joins), and
// after it (the grace), for the target's sampling and the estimate.
func (l Load) chatTimes() (before, after time.Duration) {
	if l.Mode != results.ModeChat || l.Chat == nil {
		return 0, 0
	}
	return time.Duration(l.Chat.Join), time.Duration(l.Chat.Grace)
}
