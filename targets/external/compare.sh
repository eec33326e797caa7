#!/usr/bin/env bash
# compare.sh: Go's models and the peers side by side, measured by corobench's
# own load generator, in one command, interleaved and repeated.
#
#   targets/external/compare.sh [-r REPS] [-d DURATION] [-c CONNS] [-t TARGET_CPUS] [-l CLIENT_CPUS] PATH...
#   e.g. targets/external/compare.sh -r 3 /cpu?us=1000 /io?ms=10
#
# For every repetition, every path and every target in turn: start the target
# pinned to TARGET_CPUS (taskset; default 0), put closed-loop load on it from
# `corobench load -cpus CLIENT_CPUS` (default 1), stop it. Prints one line per
# run (target, path, rep, req/s, p99, errors), then the median req/s and p99
# of each target and path. Targets: the Go models named in MODELS (default
# "goroutine goroutine-1", plus any of thread eventloop reactors coro that
# this build has), then every peer whose check passes; a peer that is missing
# is skipped with its reason. Run from the repository root, after make build.
set -euo pipefail
cd "$(dirname "$0")/../.."

reps=3 dur=5s conns=50 tcpus=0 ccpus=1
while getopts "r:d:c:t:l:" o; do
	case $o in
	r) reps=$OPTARG ;; d) dur=$OPTARG ;; c) conns=$OPTARG ;; t) tcpus=$OPTARG ;; l) ccpus=$OPTARG ;;
	*) sed -n '2,16p' "$0"; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ $# -gt 0 ] || { sed -n '2,16p' "$0"; exit 2; }
bin=bin/corobench
[ -x $bin ] || { echo "compare: $bin missing; run make build" >&2; exit 1; }

# One rate for the Go models, as the harness gives them; each peer
# calibrates its own unit, so /cpu?us=N is N µs of CPU in every language.
rate=$($bin calibrate -t 300ms | awk '{print $1}')
models=${MODELS:-}
if [ -z "$models" ]; then
	avail=$($bin serve -h 2>&1 | tr -s ' ,:' '\n')
	models="goroutine goroutine-1"
	for m in thread eventloop reactors coro; do
		grep -qx "$m" <<<"$avail" && models="$models $m"
	done
fi

py=/usr/bin/python3 node=/usr/bin/node dir=targets/external
declare -A cmd
cmd[python-threads]="$py $dir/python/threading_server.py"
cmd[python-fork]="$py $dir/python/forking_server.py"
cmd[python-asyncio]="$py $dir/python/asyncio_server.py"
cmd[python-gevent]="$py $dir/python/gevent_server.py"
cmd[node]="$node $dir/node/server.js"
# check PEER: whether this machine can run it (as the scenarios' check).
check() {
	case $1 in
	python-gevent) $py -c 'import gevent' ;;
	python-asyncio) $py -c 'import asyncio; asyncio.timeout' ;;
	python-*) $py -c 'import socketserver' ;;
	node) $node -e 0 ;;
	esac
}
targets=$models
for p in python-threads python-fork python-asyncio python-gevent node; do
	if why=$(check $p 2>&1); then
		targets="$targets $p"
	else
		echo "skip $p: ${why##*$'\n'}; run make peers" >&2
	fi
done
echo "# rate $rate units/µs (Go); target CPUs $tcpus, client CPUs $ccpus; $conns conns, $dur each; $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"

out=$(mktemp) tmp=$(mktemp -d)
trap 'rm -rf "$out" "$tmp"; [ -n "${pid:-}" ] && kill "$pid" 2>/dev/null; true' EXIT
printf "%-15s %-16s %3s %9s %10s %s\n" target path rep req/s p99 errors
for rep in $(seq "$reps"); do
	for path in "$@"; do
		for t in $targets; do
			if [ -n "${cmd[$t]:-}" ]; then
				taskset -c "$tcpus" ${cmd[$t]} --port 0 >"$tmp/ready" 2>"$tmp/err" &
			else
				taskset -c "$tcpus" $bin serve -model "$t" -cpu-rate "$rate" >"$tmp/ready" 2>"$tmp/err" &
			fi
			pid=$!
			# The ready line; a peer on a busy CPU may take seconds to calibrate.
			for _ in $(seq 600); do grep -q addr "$tmp/ready" && break; sleep 0.1; done
			addr=$(sed -n 's/.*"addr":"\([^"]*\)".*/\1/p' "$tmp/ready")
			if [ -z "$addr" ]; then
				echo "compare: $t not ready within 60s, run skipped: $(tail -c 300 "$tmp/err")" >&2
				kill -KILL $pid; wait $pid 2>/dev/null; pid=
				continue
			fi
			sum=$($bin load -cpus "$ccpus" -c "$conns" -d "$dur" -warmup 1s "http://$addr$path")
			# Signal the pid the target reports: $! may be a wrapping shell.
			tpid=$(sed -n 's/.*"pid":\([0-9]*\).*/\1/p' "$tmp/ready")
			kill -TERM "${tpid:-$pid}"; wait $pid || echo "compare: $t exited $? on SIGTERM" >&2
			pid=
			rps=$(sed -n 's/.*requests .*(\([0-9]*\) req\/s).*/\1/p' <<<"$sum")
			p99=$(sed -n "s/.* p99 \(.*\)  p99\.9.*/\1/p" <<<"$sum" | tr -d " ")
			errs=$(sed -n 's/^  errors *//p' <<<"$sum")
			printf "%-15s %-16s %3s %9s %10s %s\n" "$t" "$path" "$rep" "$rps" "$p99" "$errs" | tee -a "$out"
		done
	done
done

echo
echo "# median req/s over $reps repetitions, with the p99 of that run"
printf "%-15s %-16s %9s %10s\n" target path req/s p99
for path in "$@"; do
	for t in $targets; do
		awk -v t="$t" -v p="$path" '$1 == t && $2 == p { print $4, $5 }' "$out" | sort -n |
			awk -v t="$t" -v p="$path" '{ r[NR] = $1; l[NR] = $2 } END { m = int((NR + 1) / 2); printf "%-15s %-16s %9s %10s\n", t, p, r[m], l[m] }'
	done
done
