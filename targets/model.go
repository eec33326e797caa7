package targets

// Model is one entry of the list of models: everything the rest of the
// program needs to know of a model. Each model's package gives its own entry
// (its Model function), built from its exported defaults; the command builds
// the list where it uses it. The bound, serve's help, the report's textbook
// and cross-language tables and the benchmark drivers all read these
// entries, never a copy.
type Model struct {
	// Name is what `corobench serve -model` and scenario files call it.
	Name string
	// Summary says what it is, in one line.
	Summary string
	// Analogue is its analogue in the textbook or in well-known servers.
	Analogue string
	// Textbook is the row of the textbook's efficiency test (a sequential
	// run, threads, processes) the model stands for, or "".
	Textbook string
	// New makes a server from the command's config; nil when the model
	// serves no stream transport (TCP).
	New func(Config) Server
	// NewDatagram makes a datagram server from the command's config; nil
	// when the model does not serve datagrams (UDP).
	NewDatagram func(Config) DatagramServer
	// Chat are the transports the model serves the chat room over
	// (docs/chat.md), with NewChat (TCP) and NewChatDatagram (UDP); none
	// when a room means nothing in it (its members would be in separate
	// processes, or it holds one connection at a time).
	Chat            []Transport
	NewChat         func(Config) Server
	NewChatDatagram func(Config) DatagramServer
	// GOMAXPROCS is the GOMAXPROCS the model runs under; 0 is as many as
	// the CPUs the process may use.
	GOMAXPROCS func(Config) int
	// Transports are the transports the model serves.
	Transports []Transport
	// Workers says what Config.Workers makes at start (serve -workers),
	// and MaxConns what Config.MaxConns caps, each with its default; ""
	// when the model has no such knob.
	Workers, MaxConns string
	// Children says that the model serves in child processes it starts
	// from Config.Self.
	Children bool
}

// Transport is a kind of socket a model serves.
type Transport string

// The transports.
const (
	TCP Transport = "tcp" // a stream of HTTP/1.1 requests per connection
	UDP Transport = "udp" // a request per datagram (protocol.ParseDatagram)
)

// Serves reports whether the model serves transport t.
func (m Model) Serves(t Transport) bool {
	for _, x := range m.Transports {
		if x == t {
			return true
		}
	}
	return false
}

// ServesChat reports whether the model serves the chat room over t.
func (m Model) ServesChat(t Transport) bool {
	for _, x := range m.Chat {
		if x == t {
			return true
		}
	}
	return false
}

// Rows of the textbook's efficiency test (Model.Textbook).
const (
	TextbookSequential = "sequential"
	TextbookThreads    = "threads"
	TextbookProcesses  = "processes"
)

// Parallelism is how many requests a server has in service at once, waiting
// or computing (Slots), and how many it computes at once (CPU); 0 is as many
// as it is asked. The bound physics allows is computed from it.
type Parallelism struct {
	Slots int `json:"slots"`
	CPU   int `json:"cpu"`
}

// DefaultProcs is a Model.GOMAXPROCS for a model that uses every CPU it may.
func DefaultProcs(Config) int { return 0 }

// OneProc is a Model.GOMAXPROCS for a model that runs Go code on one thread.
func OneProc(Config) int { return 1 }
