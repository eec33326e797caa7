#!/usr/bin/env bash
# Requests per second and target CPU time per request of each model, side by
# side: the target pinned to one CPU, the load generator to another, closed
# loop with C connections, for each path. The target's CPU time is its whole
# process tree's (live children, and reaped ones through cutime/cstime),
# read from /proc, so it has the kernel tick's resolution (10 ms): keep the
# runs several seconds long. Models and paths are interleaved, R rounds.
#
#   scripts/throughput.sh                          # defaults below
#   MODELS="thread goroutine" ROUNDS=3 scripts/throughput.sh
set -euo pipefail
cd "$(dirname "$0")/.."
MODELS=${MODELS:-"loop process prefork thread threadpool goroutine goroutine-1"}
PATHS=${PATHS:-"/health /echo?size=64"}
CONNS=${CONNS:-50}
DURATION=${DURATION:-3s}
ROUNDS=${ROUNDS:-2}
TARGET_CPU=${TARGET_CPU:-0}
CLIENT_CPU=${CLIENT_CPU:-1}
go build -o bin/corobench ./cmd/corobench
tick=$(getconf CLK_TCK)

# ticks PID: CPU ticks of PID (user+sys, reaped children included) and of its live children.
ticks() {
	local total=0 p
	for p in "$1" $(pgrep -P "$1" || true); do
		[ -r "/proc/$p/stat" ] || continue
		total=$((total + $(awk '{ sub(/^.*\) /, ""); print $12 + $13 + $14 + $15 }' "/proc/$p/stat")))
	done
	echo "$total"
}

printf '%-12s %-16s %10s %12s\n' model path req/s cpu-us/req
for round in $(seq "$ROUNDS"); do
	for model in $MODELS; do
		out=$(mktemp)
		bin/corobench serve -model "$model" -cpus "$TARGET_CPU" -cpu-rate 500 >"$out" &
		srv=$!
		for _ in $(seq 100); do grep -q addr "$out" && break; sleep 0.1; done
		addr=$(sed -E 's/.*"addr":"([^"]+)".*/\1/' "$out")
		for path in $PATHS; do
			before=$(ticks "$srv")
			json=$(mktemp)
			bin/corobench load -cpus "$CLIENT_CPU" -c "$CONNS" -d "$DURATION" -json "$json" "http://$addr$path" >/dev/null
			after=$(ticks "$srv")
			read -r reqs secs errs < <(python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
print(d["requests"], d["elapsed_s"], sum((d.get("errors") or {}).values()))' "$json")
			rm -f "$json"
			awk -v m="$model" -v p="$path" -v n="$reqs" -v s="$secs" -v t=$((after - before)) -v hz="$tick" -v r="$round" -v e="$errs" \
				'BEGIN { printf "%-12s %-16s %10.0f %12.1f   round %d %s\n", m, p, (s > 0 ? n / s : 0), (n > 0 ? t / hz * 1e6 / n : 0), r, (e > 0 ? e " ERRORS" : "") }'
		done
		kill -TERM "$srv"
		wait "$srv" || true
		rm -f "$out"
	done
done
