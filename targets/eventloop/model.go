package eventloop

import "github.com/corobench/corobench/targets"

// Model is the event-loop model's entry in the list of models.
func Model() targets.Model {
	return targets.Model{
		Name:        "eventloop",
		Summary:     "one OS thread, non-blocking sockets, one epoll loop (level-triggered; over UDP, recvmmsg and sendmmsg); CPU work stalls the loop",
		Analogue:    "the textbook's epoll server; Redis, Node.js",
		New:         func(c targets.Config) targets.Server { return New(c) },
		NewDatagram: func(c targets.Config) targets.DatagramServer { return NewDatagram(c) },
		GOMAXPROCS:  targets.DefaultProcs,
		Transports:  []targets.Transport{targets.TCP, targets.UDP},
		Chat:        []targets.Transport{targets.TCP, targets.UDP},
		NewChat:     func(c targets.Config) targets.Server { return NewChat(c) },
		NewChatDatagram: func(c targets.Config) targets.DatagramServer {
			return NewChatDatagram(c)
		},
	}
}

// EdgeModel is the same loop on edge-triggered epoll (EPOLLET): each socket
// is reported once per change and read until EAGAIN.
func EdgeModel() targets.Model {
	return variant(epollEdge, "eventloop-et",
		"eventloop on edge-triggered epoll (EPOLLET): each socket read until EAGAIN",
		"the textbook's epoll server in its edge-triggered mode; nginx")
}

// SelectModel is the same loop waiting in select(2), which refuses a
// connection whose descriptor is FD_SETSIZE (1,024) or more.
func SelectModel() targets.Model {
	return variant(selectCall, "select",
		"eventloop waiting in select(2): every watched descriptor handed over at each wait; none past FD_SETSIZE (1,024)",
		"the textbook's select server")
}

// PollModel is the same loop waiting in poll(2).
func PollModel() targets.Model {
	return variant(pollCall, "poll",
		"eventloop waiting in poll(2): every watched descriptor handed over at each wait",
		"the textbook's poll server")
}

// variant is the loop waiting in call, named for it. It serves TCP HTTP
// only: the datagram and chat servers wait in epoll.
func variant(call readiness, name, summary, analogue string) targets.Model {
	m := Model()
	m.Name, m.Summary, m.Analogue = name, summary, analogue
	m.New = func(c targets.Config) targets.Server { return newServer(c, call) }
	m.Chat, m.NewChat, m.NewChatDatagram = nil, nil, nil
	m.NewDatagram = nil
	m.Transports = []targets.Transport{targets.TCP}
	return m
}

// Parallelism implements targets.Server: any number of requests waiting,
// one computing.
func (s *Server) Parallelism() targets.Parallelism { return targets.Parallelism{CPU: 1} }
