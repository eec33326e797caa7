#!/usr/bin/env bash
# bench-loadgen: corobench load against wrk and bombardier, same target,
# pinned apart (target on TARGET_CPU, tools on CLIENT_CPU), interleaved,
# REPS repetitions. Prints req/s and client CPU µs per request (total and
# user) for each run, then the median of each tool and its ratio to wrk's
# (req/s: higher is better; µs: lower is better).
#
#   make bench-loadgen [DURATION=10s CONNS=50 REPS=3 PATH_=/health]
#                      [ENGINES="epoll goroutines"] [THREADS=1]
#
# corobench runs once per engine of ENGINES (its epoll event loops, and the
# goroutine per connection engine it had before), so that before and after
# are measured side by side. THREADS is corobench's -t and wrk's -t.
# Compare only numbers from one invocation: on a busy machine the absolute
# numbers move a lot, the ratios much less.
#
# wrk comes from Debian (apt-get install -y wrk), bombardier from the Go
# module proxy into a temporary GOBIN; a tool that cannot be had is skipped
# with a message. Client CPU is the tool's user+sys time from bash's `time`.
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${DURATION:-10s}
CONNS=${CONNS:-50}
REPS=${REPS:-3}
REQPATH=${PATH_:-/health}
TARGET_CPU=${TARGET_CPU:-0}
CLIENT_CPU=${CLIENT_CPU:-1}
MODEL=${MODEL:-goroutine}
ENGINES=${ENGINES:-uring epoll goroutines}
THREADS=${THREADS:-1}
BOMBARDIER_VERSION=v1.2.6

work=$(mktemp -d)
trap 'kill "${target_pid:-}" 2>/dev/null || true; rm -rf "$work"' EXIT

go build -o "$work/corobench" ./cmd/corobench

if ! command -v wrk >/dev/null; then
	echo "# wrk not found; trying apt-get install -y wrk" >&2
	{ apt-get update -qq && apt-get install -y -qq wrk; } >/dev/null 2>&1 || echo "# wrk: could not install, skipped" >&2
fi
BOMBARDIER=$(command -v bombardier || true)
if [ -z "$BOMBARDIER" ]; then
	if GOBIN="$work/bin" go install "github.com/codesenberg/bombardier@$BOMBARDIER_VERSION" 2>/dev/null; then
		BOMBARDIER="$work/bin/bombardier"
	else
		echo "# bombardier: could not install, skipped" >&2
	fi
fi

# The target, pinned, on a port the kernel picks; its ready line gives it.
"$work/corobench" serve -model "$MODEL" -addr 127.0.0.1:0 -cpus "$TARGET_CPU" >"$work/ready" 2>"$work/serve.err" &
target_pid=$!
for _ in $(seq 100); do [ -s "$work/ready" ] && break; sleep 0.1; done
addr=$(sed -n 's/.*"addr":"\([^"]*\)".*/\1/p' "$work/ready")
[ -n "$addr" ] || { echo "target did not start: $(cat "$work/serve.err")" >&2; exit 1; }
url="http://$addr$REQPATH"
secs=${DURATION%s}

# timed CMD...: runs CMD pinned on CLIENT_CPU; leaves its stdout in
# $work/out and "user sys" seconds in $work/time.
timed() {
	local TIMEFORMAT='%U %S'
	{ time taskset -c "$CLIENT_CPU" "$@" >"$work/out" 2>"$work/err"; } 2>"$work/time"
}

# report TOOL REQUESTS: one line of the table on stdout, and "REP TOOL
# REQ/S CPU-µs/REQ USER-µs/REQ" in $work/table.
report() {
	local tool=$1 requests=$2 user sys
	read -r user sys <"$work/time"
	awk -v r="$rep" -v t="$tool" -v n="$requests" -v s="$secs" -v u="$user" -v y="$sys" -v tab="$work/table" 'BEGIN {
		if (n <= 0) { printf "%-22s no requests answered\n", t; exit }
		printf "%-22s %10.0f req/s  %6.2f µs CPU/req  %5.2f µs user/req\n", t, n/s, (u+y)*1e6/n, u*1e6/n
		printf "%d %s %f %f %f\n", r, t, n/s, (u+y)*1e6/n, u*1e6/n >>tab
	}'
}

echo "# target $MODEL on CPU $TARGET_CPU at $url; tools on CPU $CLIENT_CPU; $CONNS connections, $DURATION, $REPS reps, interleaved"
for rep in $(seq "$REPS"); do
	echo "# rep $rep"
	for engine in $ENGINES; do
		timed "$work/corobench" load -q -bench -engine "$engine" -t "$THREADS" -c "$CONNS" -d "$DURATION" "$url"
		report "corobench-$engine" "$(awk '/^BenchmarkLoad/ {print $2}' "$work/out")"
	done
	if command -v wrk >/dev/null; then
		timed wrk -t"$THREADS" -c "$CONNS" -d "$DURATION" "$url"
		report wrk "$(awk '/requests in/ {print $1}' "$work/out")"
	fi
	if [ -n "$BOMBARDIER" ]; then
		timed "$BOMBARDIER" -c "$CONNS" -d "$DURATION" -p r -o j "$url"
		report bombardier "$(sed -n 's/.*"req2xx":\([0-9]*\).*/\1/p' "$work/out")"
	fi
done
echo "# medians"
[ -s "$work/table" ] || { echo "no run answered any request" >&2; exit 1; }
awk '{ v[$2] = v[$2] " " $3; c[$2] = c[$2] " " $4; u[$2] = u[$2] " " $5 }
$2 == "wrk" { wv[$1] = $3; wu[$1] = $5 }
{ rep[NR] = $1; tool[NR] = $2; rv[NR] = $3; ru[NR] = $5 }
function med(s,   a, n, i, j, x) { n = split(s, a, " "); for (i = 2; i <= n; i++) { x = a[i]; for (j = i - 1; j > 0 && a[j] > x; j--) a[j+1] = a[j]; a[j+1] = x }; return a[int((n+1)/2)] }
END {
	for (t in v) printf "%-22s %10.0f req/s  %6.2f µs CPU/req  %5.2f µs user/req\n", t, med(v[t]), med(c[t]), med(u[t]) | "sort"
	close("sort")
	if (!("wrk" in v)) exit
	# Each run against the wrk run of its own repetition, then the median.
	for (i = 1; i <= NR; i++) if (tool[i] != "wrk" && (rep[i] in wv)) {
		qv[tool[i]] = qv[tool[i]] " " rv[i] / wv[rep[i]]; qu[tool[i]] = qu[tool[i]] " " ru[i] / wu[rep[i]]
	}
	print "# ratio to wrk (median over repetitions of run / wrk run of the same repetition)"
	print "# goals: req/s >= 1.00x; user µs/req <= 1.5 µs (wrk used 1.2 µs on a quiet machine)"
	for (t in qv) printf "%-22s %6.2fx req/s  %6.2fx user µs/req\n", t, med(qv[t]), med(qu[t]) | "sort"
}' "$work/table"
