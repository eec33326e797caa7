package results

// Load modes.
const (
	ModeClosed = "closed" // C connections, each sends, waits, sends again
	ModeOpen   = "open"   // requests sent on a schedule, whatever the target does
	ModeBatch  = "batch"  // B requests fired at once, timed until the last answer
	ModeIdle   = "idle"   // connections opened and held idle, for memory
	// ModeChat (chat.go): members of a room sending to each other.
)

// ClientBoundShare is the share of its CPUs above which the load generator,
// not the target, may have set the pace: the run is flagged client-bound.
const ClientBoundShare = 0.9

// Load is what one load generator run measured.
type Load struct {
	Mode string `json:"mode"`
	// Engine is how the load generator drove its connections: uring,
	// epoll or goroutines (see loadgen.Engine).
	Engine   string  `json:"engine,omitempty"`
	Conns    int     `json:"conns"`
	Elapsed  float64 `json:"elapsed_s"` // measured time, warm-up excluded
	Requests int64   `json:"requests"`  // answered with the expected status and body
	// Bytes is the length on the wire of those answers: heads, bodies
	// and framing.
	Bytes int64 `json:"bytes,omitempty"`
	// Reconnects counts the connections the target closed during the
	// measured window (Connection: close, a body delimited by the close,
	// a close while idle) when the run had not asked it to; each was
	// opened again.
	Reconnects int64 `json:"reconnects,omitempty"`
	// TLSHandshakes counts the TLS handshakes of the measured window, and
	// TLSResumed those of them that resumed a session.
	TLSHandshakes int64 `json:"tls_handshakes,omitempty"`
	TLSResumed    int64 `json:"tls_resumed,omitempty"`
	// Rate is the asked arrival rate of an open-loop run (req/s).
	Rate float64 `json:"rate,omitempty"`
	// Dropped counts open-loop sends that found no free connection when
	// they were due; they are not sent late.
	Dropped int64 `json:"dropped,omitempty"`
	// Unfinished counts requests still unanswered when the run ended.
	Unfinished int64 `json:"unfinished,omitempty"`
	// UnfinishedOldest is the age, in seconds, of the oldest unfinished
	// request when the run ended (from its send, or when it was due).
	UnfinishedOldest float64 `json:"unfinished_oldest_s,omitempty"`
	// Pipeline is the requests in flight per connection, when more than 1.
	Pipeline int `json:"pipeline,omitempty"`
	// ConnPerRequest says that every request had a connection of its own
	// (Connection: close).
	ConnPerRequest bool `json:"conn_per_request,omitempty"`
	// Makespan is a batch's time from the first send to the last answer.
	Makespan float64 `json:"makespan_s,omitempty"`
	// Errors counts failed requests by kind (see loadgen's Err* kinds).
	Errors map[string]int64 `json:"errors,omitempty"`
	// Latency holds the latency, in µs, of every answered request. In an
	// open-loop run it is timed from the intended send time (corrected for
	// coordinated omission); LatencyUncorrected from the actual send.
	Latency            *Histogram `json:"latency"`
	LatencyUncorrected *Histogram `json:"latency_uncorrected,omitempty"`
	// Series is throughput and latency interval by interval: each entry
	// covers SeriesInterval seconds of the measured time, the last one what
	// is left of Elapsed (see SeriesSpan).
	Series []Second `json:"series,omitempty"`
	// Interval is the length, in seconds, of each entry of Series; files
	// written before it was recorded have one-second entries and leave it
	// out.
	Interval float64 `json:"interval_s,omitempty"`
	// Datagram is what a load over datagrams (UDP) measured beyond its
	// requests; nil over TCP.
	Datagram *Datagram `json:"datagram,omitempty"`
	// Chat is what a chat load (ModeChat) measured beyond its deliveries;
	// nil in other modes.
	Chat *Chat `json:"chat,omitempty"`
	// ClientUser and ClientSys are the load generator's CPU seconds.
	ClientUser float64  `json:"client_user_s"`
	ClientSys  float64  `json:"client_sys_s"`
	Warnings   []string `json:"warnings,omitempty"`
}

// Second is one interval of a run's series: a second in files written
// before Load.Interval, SeriesInterval since.
type Second struct {
	Requests int64 `json:"requests"`
	Errors   int64 `json:"errors"`
	P50      int64 `json:"p50_us"`
	P99      int64 `json:"p99_us"`
}

// Throughput is answered requests per second.
func (l *Load) Throughput() float64 {
	if l.Elapsed <= 0 {
		return 0
	}
	return float64(l.Requests) / l.Elapsed
}

// SeriesInterval is the length, in seconds, of each entry of the series:
// Interval, or one second in files written before it was recorded.
func (l *Load) SeriesInterval() float64 {
	if l.Interval > 0 {
		return l.Interval
	}
	return 1
}

// SeriesSpan is when entry i of the series starts and how long it lasts,
// in seconds of the measured time: SeriesInterval, but never past Elapsed,
// and the last entry covers all that is left of it (a run of 1.5 s in
// one-second entries has a full second and half of one; an entry folded
// after the end lasts nothing). A rate over an entry is its count over this
// length.
func (l *Load) SeriesSpan(i int) (start, length float64) {
	iv := l.SeriesInterval()
	start = float64(i) * iv
	if l.Elapsed <= 0 {
		return start, iv
	}
	if i == len(l.Series)-1 {
		return start, max(l.Elapsed-start, 0)
	}
	return start, max(min(iv, l.Elapsed-start), 0)
}

// ErrorCount is the number of failed requests of every kind.
func (l *Load) ErrorCount() int64 {
	var n int64
	for _, c := range l.Errors {
		n += c
	}
	return n
}
