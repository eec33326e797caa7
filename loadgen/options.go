package loadgen

import "time"

// Defaults of a run, used where an option does not say otherwise.
const (
	DefaultConns    = 50
	DefaultDuration = 10 * time.Second
	DefaultTimeout  = 10 * time.Second
)

// config is a run's settings, set by options.
type config struct {
	conns    int
	duration time.Duration
	warmup   time.Duration
	timeout  time.Duration
	requests []Request
	seed     uint64
}

func defaults() config {
	return config{
		conns:    DefaultConns,
		duration: DefaultDuration,
		timeout:  DefaultTimeout,
		requests: []Request{{Method: "GET", Path: "/health", Weight: 1}},
		seed:     1,
	}
}

// Option sets one setting of a run.
type Option func(*config)

// WithConns sets the number of connections, each with one request in flight.
func WithConns(n int) Option { return func(c *config) { c.conns = n } }

// WithDuration sets how long the run is measured, after the warm-up.
func WithDuration(d time.Duration) Option { return func(c *config) { c.duration = d } }

// WithWarmup sets how long load is sent before measuring starts; what
// happens during the warm-up is not counted.
func WithWarmup(d time.Duration) Option { return func(c *config) { c.warmup = d } }

// WithTimeout bounds connecting and each request; a request that takes
// longer counts as a timeout error.
func WithTimeout(d time.Duration) Option { return func(c *config) { c.timeout = d } }

// WithRequests sets the weighted mix of requests to send.
func WithRequests(rs ...Request) Option { return func(c *config) { c.requests = rs } }

// WithSeed seeds the choice of requests from the mix, so that every target
// sees the same sequence.
func WithSeed(seed uint64) Option { return func(c *config) { c.seed = seed } }
