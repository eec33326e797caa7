#!/usr/bin/env bash
# bench-datagrams: the models over UDP, pinned apart (target on TARGET_CPU,
# load generator on CLIENT_CPU), side by side, interleaved, REPS
# repetitions. Run it under the measure lock:
#
#   flock /tmp/corobench-measure.lock scripts/bench-datagrams.sh [PART...]
#
# PARTs (default all four):
#   models    req/s and target CPU µs per request of every UDP model and
#             Python UDP peer, on /health and /echo?size=64: closed loop,
#             CONNS clients with a window of WINDOW requests each
#   client    the load generator's client CPU µs per request: its epoll
#             engine (a socket per client, or the clients sharing one so
#             that each call moves many datagrams) against its goroutines
#             engine, a plain net.UDPConn per client with one Write and one
#             Read per request; against eventloop
#   batch     eventloop with recvmmsg/sendmmsg batching (serve
#             -datagram-batch 64) and without (-datagram-batch 1)
#   overload  an open loop of RATE requests a second of /cpu?us=200, above
#             the capacity of any model on one CPU, up to 20,000 in flight
#             and each lost after 1 s: answered req/s, lost, and the
#             datagrams the target's socket dropped
#
# Target CPU is user+system time of the target's process tree from /proc
# (live descendants, and the children it reaped), over the load's run,
# divided by the requests answered. Each run prints one line; the medians
# follow. Compare numbers within one invocation only.
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${DURATION:-3s}
REPS=${REPS:-3}
CONNS=${CONNS:-16}
WINDOW=${WINDOW:-4}
RATE=${RATE:-10000}
TARGET_CPU=${TARGET_CPU:-0}
CLIENT_CPU=${CLIENT_CPU:-1}
MODELS=${MODELS:-loop process prefork thread threadpool eventloop reactors coro goroutine goroutine-1}
PEERS=${PEERS:-python-udp python-udp-fork python-udp-threads python-udp-asyncio}
PY=/usr/bin/python3
parts=${*:-models client batch overload}

work=$(mktemp -d)
trap 'stop_target; rm -rf "$work"' EXIT
go build -o "$work/corobench" ./cmd/corobench
go build -o "$work/corobench-child" ./cmd/corobench-child
bin=$work/corobench
rate=$($bin calibrate -t 300ms | awk '{print $1}')
echo "# $(date -u +%FT%TZ) rate $rate units/µs; target CPU $TARGET_CPU, client CPU $CLIENT_CPU; $DURATION a run, $REPS reps; $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"

# script PEER: the Python file of a peer.
script() {
	case $1 in
	python-udp) echo udp_server.py ;;
	python-udp-fork) echo forking_udp_server.py ;;
	python-udp-threads) echo threading_udp_server.py ;;
	python-udp-asyncio) echo asyncio_udp_server.py ;;
	esac
}

# start_target NAME [SERVE_FLAGS...]: starts a model or peer pinned, and
# sets addr and tpid from its ready line; fails (the run is skipped) when
# no ready line comes within a minute.
start_target() {
	local name=$1
	shift
	if [ -n "$(script "$name")" ]; then
		taskset -c "$TARGET_CPU" $PY "targets/external/python/$(script "$name")" --port 0 >"$work/ready" 2>"$work/err" &
	else
		$bin serve -model "$name" -net udp -cpus "$TARGET_CPU" -cpu-rate "$rate" "$@" >"$work/ready" 2>"$work/err" &
	fi
	spid=$!
	for _ in $(seq 600); do grep -q addr "$work/ready" && break; sleep 0.1; done
	addr=$(sed -n 's/.*"addr":"\([^"]*\)".*/\1/p' "$work/ready")
	tpid=$(sed -n 's/.*"pid":\([0-9]*\).*/\1/p' "$work/ready")
	if [ -z "$addr" ]; then
		echo "bench-datagrams: $name did not start, run skipped: $(tail -c 300 "$work/err")" >&2
		stop_target
		return 1
	fi
}

stop_target() {
	if [ -n "${spid:-}" ]; then
		kill -TERM "${tpid:-$spid}" 2>/dev/null || true
		wait "$spid" 2>/dev/null || true
		spid=
	fi
}

# cpu_ticks PID: user+system clock ticks of PID, its live descendants and
# the children they reaped.
cpu_ticks() {
	$PY - "$1" <<'EOF'
import os, sys
root = int(sys.argv[1])
stats = {}
for p in os.listdir("/proc"):
    if p.isdigit():
        try:
            with open("/proc/%s/stat" % p) as f:
                s = f.read()
            fields = s[s.rindex(")") + 2:].split()
            stats[int(p)] = (int(fields[1]), sum(int(x) for x in fields[11:15]))
        except (OSError, ValueError, IndexError):
            continue  # it ended while read
tree, todo = set(), [root]
while todo:
    p = todo.pop()
    tree.add(p)
    todo += [c for c, (pp, _) in stats.items() if pp == p and c not in tree]
print(sum(stats[p][1] for p in tree if p in stats))
EOF
}

tick=$(getconf CLK_TCK)

# load NAME PATH FLAGS...: one load on the running target; prints
# "req/s target-µs/req client-µs/req lost target-drops p99".
load() {
	local path=$1
	shift
	local c0 c1 out
	c0=$(cpu_ticks "$tpid")
	out=$($bin load -q -cpus "$CLIENT_CPU" -d "$DURATION" -warmup 0 "$@" "udp://$addr$path" 2>&1) || true
	c1=$(cpu_ticks "$tpid")
	$PY - "$c0" "$c1" "$tick" <<EOF
import re, sys
out = """$out"""
c0, c1, tick = map(int, sys.argv[1:])
reqs = int(re.search(r"requests +(\d+)", out).group(1)) if "requests" in out else 0
rps = re.search(r"\((\d+) req/s\)", out)
cl = re.search(r"client CPU .*\(([\d.]+) (µs|ms|ns) per request\)", out)
clus = float(cl.group(1)) * {"µs": 1, "ms": 1000, "ns": 0.001}[cl.group(2)] if cl else float("nan")
lost = re.search(r"errors .* lost (\d+)", out)
drops = re.search(r"dropped (\d+) at the target", out)
p99 = re.search(r"p99 ([\d.]+ \S+)", out)
tus = (c1 - c0) / tick * 1e6 / reqs if reqs else float("nan")
print("%s %.1f %.1f %s %s %s" % (rps.group(1) if rps else 0, tus, clus,
      lost.group(1) if lost else 0, drops.group(1) if drops else "?",
      p99.group(1).replace(" ", "") if p99 else "-"))
EOF
}

rows=$work/rows
# row PART LABEL PATH RESULT...: records and prints one run.
row() { echo "$*" | tee -a "$rows"; }

for part in $parts; do
	echo
	echo "## $part"
	echo "part target path rep req/s target-µs/req client-µs/req lost target-drops p99"
	for rep in $(seq "$REPS"); do
		case $part in
		models)
			for path in /health '/echo?size=64'; do
				for t in $MODELS $PEERS; do
					if [ -n "$(script "$t")" ] && ! $PY -c 'import socketserver, asyncio' 2>/dev/null; then
						continue
					fi
					start_target "$t" || continue
					row models "$t" "$path" "$rep" "$(load "$path" -c "$CONNS" -window "$WINDOW" -timeout 2s)"
					stop_target
				done
			done
			;;
		client)
			start_target eventloop || continue
			for e in goroutines epoll epoll-shared; do
				case $e in
				goroutines) flags=(-engine goroutines) ;;
				epoll) flags=(-engine epoll) ;;
				epoll-shared) flags=(-engine epoll -sockets 1) ;;
				esac
				row client "$e" /health "$rep" "$(load /health -c "$CONNS" "${flags[@]}")"
			done
			stop_target
			;;
		batch)
			for b in 64 1; do
				start_target eventloop -datagram-batch "$b" || continue
				row batch "eventloop-batch-$b" /health "$rep" "$(load /health -c "$CONNS" -window "$WINDOW")"
				stop_target
			done
			;;
		overload)
			for t in $MODELS $PEERS; do
				start_target "$t" || continue
				row overload "$t" '/cpu?us=200' "$rep" "$(load '/cpu?us=200' -R "$RATE" -c 50 -max-conns 20000 -timeout 1s)"
				stop_target
			done
			;;
		esac
	done
done

echo
echo "# medians over $REPS repetitions"
echo "part target path req/s target-µs/req client-µs/req lost target-drops p99"
awk '{ k = $1 " " $2 " " $3; if (!(k in seen)) { seen[k] = 1; order[++n] = k } v[k] = v[k] " " $5 " " $6 " " $7 " " $8 " " $9 " " $10; c[k]++ }
END { for (i = 1; i <= n; i++) print order[i] "|" c[order[i]] "|" v[order[i]] }' "$rows" |
	while IFS='|' read -r key count vals; do
		$PY - "$key" "$count" $vals <<'EOF'
import statistics, sys
key, count, vals = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
cols = [vals[i::6] for i in range(6)]
def med(xs):
    try:
        return "%g" % statistics.median(float(x) for x in xs)
    except ValueError:
        return sorted(xs)[len(xs) // 2]
print(key, *(med(c) for c in cols))
EOF
	done
