package harness

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/corobench/corobench/loadgen"
)

func TestParseAppliesDefaults(t *testing.T) {
	t.Parallel()
	s, err := Parse("s.yaml", []byte("name: s\ntargets: [loop]\nrequests:\n  - path: /health\n"))
	require.NoError(t, err)
	assert.Equal(t, DefaultConnections, s.Load.Connections)
	assert.Equal(t, Duration(DefaultDuration), s.Load.Duration)
	assert.Equal(t, 1, s.Repetitions)
	assert.Equal(t, Request{Method: "GET", Path: "/health", Weight: 1}, s.Requests[0])
}

func TestParseErrorsNameFileLineAndKey(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		want []string
	}{
		{
			name: "unknown key",
			in:   "name: s\ntargets: [loop]\nlod: {}\n",
			want: []string{"s.yaml:3: lod: unknown key; the keys here are name,"},
		},
		{
			name: "bad duration",
			in:   "name: s\ntargets: [loop]\nload:\n  duration: soon\nrequests: [{path: /health}]\n",
			want: []string{`s.yaml:4: load.duration: want a duration such as 5s or 250ms, not "soon"`},
		},
		{
			name: "unknown keys at every depth, wrong types, and values, at once",
			in: `name: s
targets:
  - loop
  - name: ext
    comand: [x]
load:
  conections: 5
  connections: many
  warmup: -1s
  mode: open
requests:
  - {path: "/cpu?us=1", wieght: 2}
pin: {target: "0-"}
`,
			want: []string{
				"s.yaml:5: targets.1.comand: unknown key",
				"s.yaml:7: load.conections: unknown key",
				`s.yaml:8: load.connections: want a whole number, not "many"`,
				"s.yaml:9: load.warmup: must not be negative",
				"s.yaml:10: load.mode: mode open needs a rate or phases",
				"s.yaml:12: requests.0.wieght: unknown key",
				"s.yaml:13: pin.target",
			},
		},
		{
			name: "external targets",
			in: `name: s
targets:
  - name: x
    command: [x, "{prot}"]
    ready: soon
  - name: y
    check: [true]
  - x
load: {mode: batch}
requests: [{path: /health}]
`,
			want: []string{
				"s.yaml:4: targets.0.command: unknown placeholder {prot}",
				`s.yaml:5: targets.0.ready: must be "port" or "line: TEXT", not "soon"`,
				"s.yaml:6: targets.1.command: ready and check need a command",
				`s.yaml:8: targets.2.name: "x" is listed twice`,
				"s.yaml:9: load.batch: mode batch needs batch",
			},
		},
		{
			name: "designs",
			in: `name: s
targets:
  - name: loop
    like: [goroutine]
  - name: peer
    command: [peer, "{port}"]
    like: [loop, peer]
requests: [{path: /health}]
`,
			want: []string{
				"s.yaml:4: targets.0.like: analogue and like describe an external or remote target",
				`s.yaml:7: targets.1.like.1: must name another target, not "peer"`,
			},
		},
		{
			name: "remote targets and requests",
			in: `name: s
targets:
  - name: r1
    address: example.org
  - name: r2
    address: 127.0.0.1:80
    command: [x]
  - name: r3
    address: http://h:8080
    insecure: true
    env: {A: b}
requests:
  - path: /a
    body: x
    body_file: b.json
  - path: /b
    body_file: nonexistent.json
    headers: {"Bad Name": x, Content-Length: "3", X-Ok: "fine"}
`,
			want: []string{
				`s.yaml:4: targets.0.address: want host:port, http://host:port or https://host[:port], not "example.org"`,
				"s.yaml:6: targets.1.address: a remote target is already running: give address or command, not both",
				"s.yaml:9: targets.2.address: ready and env are for a target the harness starts",
				"s.yaml:10: targets.2.insecure: is for an https address",
				"s.yaml:15: requests.0.body_file: give body or body_file, not both",
				"s.yaml:17: requests.1.body_file: stat nonexistent.json: no such file",
				`s.yaml:18: requests.1.headers.Bad Name: header name "Bad Name" is not a token`,
				"s.yaml:18: requests.1.headers.Content-Length: header Content-Length: the client frames the body itself",
			},
		},
		{
			name: "datagrams",
			in: `name: s
targets:
  - {name: loop, net: udp}
  - {name: loop-2, model: loop, net: quic}
  - {name: peer, command: [peer, "{port}"], net: udp, model: loop}
  - {name: remote, address: "127.0.0.1:9", net: udp}
  - {name: peer-line, command: [peer, "{port}"], net: udp, ready: "line: listening"}
load: {pipeline: 2}
requests: [{path: /health}]
`,
			want: []string{
				"s.yaml:3: targets.0.net: udp takes a closed, open or batch load (or a chat room), without conn_per_request, pipeline or think_time",
				`s.yaml:4: targets.1.net: must be tcp or udp, not "quic"`,
				"s.yaml:5: targets.2.model: is for a model; an external or remote target is not one",
				"s.yaml:5: targets.2.net: udp takes a closed, open or batch load (or a chat room), without conn_per_request, pipeline or think_time",
				`s.yaml:5: targets.2.ready: a target over udp accepts no connection to poll: give ready: "line: TEXT", a line it prints once it listens`,
				"s.yaml:6: targets.3.net: udp is for a target the harness starts (a model or a command)",
				"s.yaml:6: targets.3.net: udp takes a closed, open or batch load (or a chat room), without conn_per_request, pipeline or think_time",
				"s.yaml:7: targets.4.net: udp takes a closed, open or batch load (or a chat room), without conn_per_request, pipeline or think_time",
			},
		},
		{
			name: "options of another mode",
			in:   "name: s\ntargets: [loop]\nload: {rate: 5, touch: true, batch: 3}\nrequests: [{path: /health}]\n",
			want: []string{
				"load.rate: applies to mode open only (this is closed)",
				"load.touch: applies to mode idle only",
				"load.batch: applies to mode batch only",
			},
		},
		{
			name: "background idle connections",
			in: `name: s
targets: [select, poll]
load:
  mode: open
  rate: 10
  background_idle: [0, -1, 0]
  background_idle_by_target: {select: [], nobody: [5]}
requests: [{path: /health}]
`,
			want: []string{
				"s.yaml:6: load.background_idle: applies to mode closed only (this is open)",
				"s.yaml:6: load.background_idle.1: must not be negative, not -1",
				"s.yaml:6: load.background_idle.2: 0 is listed twice",
				"s.yaml:7: load.background_idle_by_target.select: list at least one count",
				`load.background_idle_by_target.nobody: "nobody" is not one of the targets`,
			},
		},
		{
			name: "background by target alone",
			in:   "name: s\ntargets: [select]\nload: {background_idle_by_target: {select: [1]}}\nrequests: [{path: /health}]\n",
			want: []string{"load.background_idle_by_target: needs background_idle"},
		},
		{
			name: "every problem at once",
			in:   "targets: []\nload:\n  connections: -1\nrequests:\n  - path: /health\n  - path: nope\n    method: P T\npin: {target: x}\n",
			want: []string{
				"s.yaml:1: name: is required",
				"s.yaml:1: targets: name at least one target",
				"s.yaml:3: load.connections: must be at least 1",
				"s.yaml:6: requests.1.path: must start with /",
				`s.yaml:7: requests.1.method: must be a method such as GET, POST or PUT, not "P T"`,
				"s.yaml:8: pin.target",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := Parse("s.yaml", []byte(tt.in))
			require.Error(t, err)
			for _, w := range tt.want {
				assert.Contains(t, err.Error(), w)
			}
		})
	}
}

// The scenario files shipped in scenarios/ all load.
func TestShippedScenariosLoad(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob(suiteDir + "/*.yaml")
	require.NoError(t, err)
	for _, dir := range []string{"examples", "check", "cross-language", "curves", "chat"} {
		more, err := filepath.Glob(suiteDir + "/" + dir + "/*.yaml")
		require.NoError(t, err)
		require.NotEmpty(t, more, dir)
		files = append(files, more...)
	}
	require.NotEmpty(t, files)
	for _, f := range files {
		s, err := LoadFile(f)
		require.NoError(t, err, f)
		assert.NotEmpty(t, s.Description, "%s says what it shows", f)
		assert.LessOrEqual(t, time.Duration(s.Load.Duration), time.Minute, f)
	}
}

func TestParseExternalTarget(t *testing.T) {
	t.Parallel()
	s, err := Parse("s.yaml", []byte(`name: s
targets:
  - goroutine
  - name: python-gevent
    command: [/usr/bin/python3, server.py, --port, "{port}"]
    check: [/usr/bin/python3, -c, "import gevent"]
    env: {PYTHONUNBUFFERED: "1"}
    parallelism: 1
  - name: node
    command: [node, s.js, "{addr}"]
    ready: "line: listening"
requests: [{path: /health}]
`))
	require.NoError(t, err)
	require.Len(t, s.Targets, 3)
	assert.Equal(t, TargetSpec{Name: "goroutine"}, s.Targets[0])
	assert.False(t, s.Targets[0].External())
	gevent := s.Targets[1]
	assert.True(t, gevent.External())
	assert.Equal(t, ReadyPort, gevent.Ready, "the default rule")
	assert.Equal(t, map[string]string{"PYTHONUNBUFFERED": "1"}, gevent.Env)
	assert.Equal(t, 1, gevent.Parallelism)
	text, ok := s.Targets[2].readyLine()
	assert.True(t, ok)
	assert.Equal(t, "listening", text)
	assert.Equal(t, []string{"node", "s.js", "127.0.0.1:8080"}, expand(s.Targets[2].Command, "127.0.0.1", "8080", ""))
}

// Commands may serve a chat room, over TCP (ready when the port accepts)
// or over UDP (ready by a line they print), and the datagram protocol.
func TestParseExternalChatAndUDPTargets(t *testing.T) {
	t.Parallel()
	s, err := Parse("s.yaml", []byte(`name: s
targets:
  - {name: python-chat-gevent, command: [py, chat_gevent_server.py, --port, "{port}"]}
  - {name: python-chat-udp, command: [py, chat_udp_server.py, --port, "{port}"], net: udp, ready: 'line: "service":"chat"'}
load: {mode: chat, chat: {members: 4}}
`))
	require.NoError(t, err)
	gevent, udp := s.Targets[0], s.Targets[1]
	assert.Equal(t, ServiceChat, gevent.Service)
	assert.Equal(t, ReadyPort, gevent.Ready)
	assert.False(t, gevent.Datagrams())
	assert.Equal(t, ServiceChat, udp.Service)
	assert.True(t, udp.Datagrams())

	_, err = Parse("s.yaml", []byte(`name: s
targets:
  - {name: python-udp, command: [py, udp_server.py, --port, "{port}"], net: udp, ready: "line: udp"}
  - {name: python-chat-udp, command: [py, chat_udp_server.py], net: udp, service: chat}
requests: [{path: /health}]
`))
	require.Error(t, err)
	msg := err.Error()
	assert.NotContains(t, msg, "targets.0", "a UDP peer of the request protocol is fine")
	assert.Contains(t, msg, `s.yaml:4: targets.1.ready: a target over udp accepts no connection to poll`)
	assert.Contains(t, msg, "s.yaml:4: targets.1.service: a target that serves chat takes a chat load (load.mode chat)")
}

// A request's method, headers and body from the file, and a remote
// target by its address.
func TestParseRequestsAndRemoteTargets(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "body.json"), []byte(`{"a":1}`), 0o644))
	file := filepath.Join(dir, "s.yaml")
	require.NoError(t, os.WriteFile(file, []byte(`name: s
targets:
  - name: far
    address: https://example.org
requests:
  - path: /api
    method: put
    headers: {Authorization: Bearer x, Host: api.example.org, Accept: "*/*"}
    body_file: body.json
`), 0o644))
	s, err := LoadFile(file)
	require.NoError(t, err)
	far := s.Targets[0]
	assert.True(t, far.Remote())
	assert.False(t, far.External())
	at, err := far.remoteAddr()
	require.NoError(t, err)
	assert.Equal(t, remote{addr: "example.org:443", https: true, host: "example.org"}, at)
	assert.Equal(t, loadgen.Request{Method: "PUT", Path: "/api", Host: "api.example.org", Weight: 1, BodyFile: filepath.Join(dir, "body.json"),
		Header: []loadgen.Header{{Name: "Accept", Value: "*/*"}, {Name: "Authorization", Value: "Bearer x"}}}, s.Requests[0].loadgen())
}

func TestParseLoadModes(t *testing.T) {
	t.Parallel()
	s, err := Parse("s.yaml", []byte(`name: s
targets: [loop]
load:
  mode: open
  warmup: 1s
  phases:
    - {rate: 100, to: 300, for: 2s}
    - {rate: 300, for: 2s}
requests: [{path: /health}]
`))
	require.NoError(t, err)
	assert.Equal(t, Duration(3*time.Second), s.Load.Duration, "the phases include the warm-up")
	assert.InDelta(t, 250, s.Load.meanRate(), 1e-9)
	assert.Equal(t, "throughput", s.Kind())

	idle, err := Parse("s.yaml", []byte("name: s\ntargets: [loop]\nload: {mode: idle, connections: 10, touch: true}\n"))
	require.NoError(t, err)
	assert.Equal(t, "idle", idle.Kind())
	assert.Equal(t, "/health", idle.Requests[0].Path, "an idle run needs no mix")
	assert.Equal(t, Duration(DefaultIdleHold), idle.Load.Duration)
}

// A curve runs every target at each of its idle counts (its own, when it has
// them), counts ascending, and plans the time of opening them.
func TestBackgroundIdlePoints(t *testing.T) {
	t.Parallel()
	s, err := Parse("s.yaml", []byte(`name: s
targets: [select, poll, goroutine]
load: {background_idle: [1000, 0, 100], background_idle_by_target: {select: [0, 900]}, duration: 1s, warmup: 0s}
repetitions: 2
requests: [{path: /health}]
`))
	require.NoError(t, err)
	assert.Equal(t, []point{{0, true}, {100, true}, {900, true}, {1000, true}}, s.points())
	assert.True(t, point{900, true}.holds(s, "select"))
	assert.False(t, point{900, true}.holds(s, "poll"))
	assert.False(t, point{100, true}.holds(s, "select"))
	assert.Equal(t, 2*(2+3+3), s.Runs())
	assert.Equal(t, float64(DefaultOpenRate), s.Load.OpenRate, "opened at the default rate")
	assert.Greater(t, s.Estimate(), startCost+time.Second, "opening the idle connections takes time")

	plain, err := Parse("s.yaml", []byte("name: s\ntargets: [select, poll]\nrequests: [{path: /health}]\n"))
	require.NoError(t, err)
	assert.Equal(t, []point{{}}, plain.points(), "no curve: one run per target")
	assert.Equal(t, 2, plain.Runs())
}

func TestParseSyntaxError(t *testing.T) {
	t.Parallel()
	_, err := Parse("s.yaml", []byte("name: s\ntargets: [loop\n"))
	require.Error(t, err)
	assert.True(t, strings.HasPrefix(err.Error(), "s.yaml:"), err.Error())
}

// Pins count within the CPUs this process may use: in a cpuset {2,3},
// "0" is CPU 2; a pin beyond the set is an error that names its key.
func TestPinResolve(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		pin     Pin
		allowed []int
		want    pinning
		err     string
	}{
		{name: "defaults on two CPUs", allowed: []int{0, 1}, want: pinning{target: []int{0}, client: []int{1}}},
		{name: "defaults on four", allowed: []int{0, 1, 2, 3}, want: pinning{target: []int{0}, client: []int{1, 2, 3}}},
		{name: "one CPU: nothing pinned", allowed: []int{0}, want: pinning{}},
		{name: "target free", pin: Pin{Target: PinAll}, allowed: []int{0, 1}, want: pinning{client: []int{1}}},
		{name: "defaults in a cpuset", allowed: []int{2, 3}, want: pinning{target: []int{2}, client: []int{3}}},
		{name: "pins in a cpuset", pin: Pin{Target: "1", Client: "0"}, allowed: []int{4, 6},
			want: pinning{target: []int{6}, client: []int{4}}},
		{name: "one CPU of a cpuset", pin: Pin{Target: "0", Client: "0"}, allowed: []int{3},
			want: pinning{target: []int{3}, client: []int{3}}},
		{name: "target beyond the set", pin: Pin{Target: "2"}, allowed: []int{2, 3}, err: "pin.target: affinity: CPU 2 is beyond the 2"},
		{name: "client beyond the set", pin: Pin{Client: "0-2"}, allowed: []int{0, 1}, err: "pin.client:"},
	}
	for _, tt := range tests {
		got, err := tt.pin.resolve(tt.allowed)
		if tt.err != "" {
			assert.ErrorContains(t, err, tt.err, tt.name)
			continue
		}
		require.NoError(t, err, tt.name)
		assert.Equal(t, tt.want, got, tt.name)
	}
}

// The default suite (every file in scenarios/, as make bench runs it) is planned to
// take at most 5 minutes on 2 cores: a check of the plan, not of a clock.
func TestDefaultSuiteFitsItsBudget(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob(suiteDir + "/*.yaml")
	require.NoError(t, err)
	var total time.Duration
	for _, f := range files {
		s, err := LoadFile(f)
		require.NoError(t, err)
		total += time.Duration(s.Runs()) * s.Estimate()
	}
	t.Logf("default suite planned at %s", total)
	assert.LessOrEqual(t, total, 5*time.Minute)
}

// suiteDir holds the scenario files the project ships.
const suiteDir = "../scenarios"

// A ramp to zero ramps: to: 0 is a rate, not the absent key.
func TestPhaseRampsToZero(t *testing.T) {
	t.Parallel()
	s, err := Parse("s.yaml", []byte(`name: s
targets: [loop]
load:
  mode: open
  warmup: 0s
  phases: [{rate: 100, to: 0, for: 2s}]
requests: [{path: /health}]
`))
	require.NoError(t, err)
	assert.InDelta(t, 50, s.Load.meanRate(), 1e-9, "the mean of a ramp from 100/s to 0")
	p := pacer(s.Load)
	sent := uint64(0)
	for elapsed := time.Duration(0); ; {
		wait, stop := p.Pace(elapsed, sent)
		if stop {
			break
		}
		require.Less(t, elapsed, 3*time.Second, "the schedule ends")
		if wait == 0 {
			sent++
		}
		elapsed += wait
	}
	assert.InDelta(t, 100, sent, 2, "100 requests in 2 s, ramping from 100/s to 0")

	_, err = Parse("s.yaml", []byte("name: s\ntargets: [loop]\nload: {mode: open, phases: [{rate: 0, to: 0, for: 1s}]}\nrequests: [{path: /health}]\n"))
	assert.ErrorContains(t, err, "a phase needs a positive rate")
}

// A schedule of one ramp, or of steps, says when each request was due, so
// that a request sent late is timed from then; so does a constant rate.
func TestPacerSchedules(t *testing.T) {
	t.Parallel()
	to := 300.0
	for _, l := range []Load{
		{Rate: 100},
		{Phases: []Phase{{Rate: 100, To: &to, For: Duration(time.Second)}}},
		{Phases: []Phase{{Rate: 100, For: Duration(time.Second)}, {Rate: 200, For: Duration(time.Second)}}},
	} {
		assert.Implements(t, (*loadgen.Scheduler)(nil), pacer(l), "%+v", l)
	}
}
