package main

import (
	"flag"
	"fmt"
	"strings"

	"github.com/corobench/corobench/chat"
	"github.com/corobench/corobench/targets"
)

// The services serve offers.
const (
	serviceHTTP = "http"
	serviceChat = "chat"
)

// chatFlags are serve's flags for the chat room.
func chatFlags(fs *flag.FlagSet) *chat.Options {
	o := &chat.Options{}
	fs.StringVar(&o.AdminToken, "chat-admin", "", "chat: the token admin broadcasts (A token text) must carry (none: every A is refused)")
	fs.DurationVar(&o.IdleTimeout, "chat-idle", chat.DefaultIdleTimeout, "chat over udp: forget a member silent this long")
	fs.DurationVar(&o.KickAfter, "chat-kick", chat.DefaultKickAfter, "chat: disconnect a member whose outbox stays full this long (and the deadline of each write to it)")
	fs.IntVar(&o.OutboxBytes, "chat-outbox", chat.DefaultOutboxBytes, "chat: bytes queued for each member at most; lines beyond are dropped and counted")
	fs.IntVar(&o.MaxMembers, "chat-max-members", chat.DefaultMaxMembers, "chat: members at most; logins beyond are refused (ERR full)")
	return o
}

// chatModels lists the names of the models that serve chat, with their
// transports.
func chatModels() string {
	var names []string
	for _, m := range models() {
		if len(m.Chat) == 0 {
			continue
		}
		var ts []string
		for _, t := range m.Chat {
			ts = append(ts, string(t))
		}
		names = append(names, m.Name+" ("+strings.Join(ts, ", ")+")")
	}
	return strings.Join(names, ", ")
}

// listenChat opens the socket of transport network on addr and makes m's
// chat server for it.
func listenChat(network, addr string, m targets.Model, cfg targets.Config) (*listener, error) {
	t := targets.Transport(network)
	if t != targets.TCP && t != targets.UDP {
		return nil, fmt.Errorf("%w: -net %q: want tcp or udp", errUsage, network)
	}
	if !m.ServesChat(t) {
		return nil, fmt.Errorf("%w: %s does not serve chat over %s; the models that serve chat are %s", errUsage, m.Name, network, chatModels())
	}
	if t == targets.TCP {
		return listenStream(addr, func() targets.Server { return m.NewChat(cfg) })
	}
	return listenDatagrams(addr, func() targets.DatagramServer { return m.NewChatDatagram(cfg) })
}
