package protocol

import "bytes"

// param is one query parameter an endpoint takes.
type param struct {
	name     string
	max      int64
	required bool
}

var (
	paramUs   = param{name: "us", max: MaxCPUMicros}
	paramN    = param{name: "n", max: MaxCPUUnits}
	paramMs   = param{name: "ms", max: MaxWaitMillis}
	paramSize = param{name: "size", max: MaxBodyBytes}
	paramKB   = param{name: "kb", max: MaxDiskKB}
	paramSync = param{name: "sync", max: 1}
)

// set sets the request's field of parameter name to v. (A switch, not a
// function in each param: calling through a function value would make
// every parsed Request escape to the heap.)
func (r *Request) set(name string, v int64) {
	switch name {
	case "us":
		r.CPUMicros = v
	case "n":
		r.CPUUnits = v
	case "ms":
		r.WaitMillis = v
	case "size":
		r.Size = int(v)
	case "kb":
		r.DiskKB = int(v)
	case "sync":
		r.DiskSync = v == 1
	}
}

// params lists what each endpoint takes; any other parameter is an error, so
// that a typo (?usec=) is not silently read as "no work".
var params = [...][]param{
	EndpointHealth: nil,
	EndpointCPU:    {paramUs, paramN},
	EndpointIO:     {withRequired(paramMs)},
	EndpointEcho:   {paramSize},
	EndpointMix:    {withRequired(paramUs), withRequired(paramMs)},
	EndpointStats:  nil,
	EndpointFiles:  nil,
	EndpointDisk:   {withRequired(paramKB), paramSync},
}

func withRequired(p param) param {
	p.required = true
	return p
}

func parseQuery(q []byte, req *Request) error {
	allowed := params[req.Endpoint]
	var seen uint8 // bit i: allowed[i] was given
	for len(q) > 0 {
		var kv []byte
		kv, q, _ = bytes.Cut(q, []byte{'&'})
		if len(kv) == 0 {
			continue
		}
		key, val, _ := bytes.Cut(kv, []byte{'='})
		i := indexParam(allowed, key)
		if i < 0 {
			return errParam("unknown parameter %q", key)
		}
		if seen&(1<<i) != 0 {
			return errParam("parameter %q given twice", key)
		}
		seen |= 1 << i
		v, ok := parseUint(val, allowed[i].max)
		if !ok {
			return errRange(allowed[i])
		}
		req.set(allowed[i].name, v)
	}
	for i, p := range allowed {
		if p.required && seen&(1<<i) == 0 {
			return errRequired(p)
		}
	}
	if req.Endpoint == EndpointCPU && seen == 0 {
		return errf(400, "parameter us or n is required")
	}
	return nil
}

// The errors below format their reasons out of line, so that the parser's
// frame stays small (see errf).

//go:noinline
func errParam(format string, key []byte) *Error { return errf(400, format, key) }

//go:noinline
func errRange(p param) *Error {
	return errf(400, "parameter %s must be a whole number from 0 to %d", p.name, p.max)
}

//go:noinline
func errRequired(p param) *Error { return errf(400, "parameter %s is required", p.name) }

func indexParam(ps []param, key []byte) int {
	for i, p := range ps {
		if string(key) == p.name {
			return i
		}
	}
	return -1
}

// parseUint parses decimal digits no larger than max.
func parseUint(b []byte, max int64) (int64, bool) {
	if len(b) == 0 || len(b) > 19 {
		return 0, false
	}
	var v int64
	for _, c := range b {
		if !isDigit(c) {
			return 0, false
		}
		v = v*10 + int64(c-'0')
		if v > max {
			return 0, false
		}
	}
	return v, true
}
