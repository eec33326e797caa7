#!/usr/bin/env bash
# bench-startup: what does a process start cost, before and after a change?
# The process model pays one per connection: its parent starts the child
# program (corobench-child, beside corobench) for every one, or re-executes
# corobench itself (`corobench child conn`) when the child program is
# missing, as builds before it did.
#
# Builds corobench at BASE (default: the merge-base with main) and from the
# working tree, each with its own Makefile's `build` target, then
#
#  1. start cost: RUNS starts of each program under `perf stat`, the
#     programs rotated: /bin/true, an empty static Go program, B's child
#     program serving a connection whose client has gone (python3 hands it
#     the socket), `A help` and `B help`; prints the medians and quartiles
#     of the task-clock (the program's CPU ms) and of its page faults.
#  2. the child's start as the process model makes it (`B calibrate
#     -starts`: started, serving a connection whose client has gone, and
#     reaped, one at a time on CPU 0; the CPU of parent and child), with
#     the child program and without it (corobench re-executed).
#  3. connection cost (unless CHURN=0): `B ab -a A -b B` on
#     scenarios/churn.yaml cut down to the process model — a new connection
#     (so a new process) per request; the cpu/req row is the target's CPU
#     per connection, children included, judged over PAIRS interleaved pairs.
#
# Medians of interleaved runs are what to compare; a busy machine moves
# every number, not much the ratio. Needs perf (Debian: linux-perf).
#
#   BASE    commit to compare against (default: merge-base with origin/main, else main)
#   RUNS    starts per program (default 200)
#   PAIRS   A/B pairs of the churn run (default 10); CHURN=0 skips it
#   OUT     where start.txt and churn.txt go (default: reports/bench-startup)
set -uo pipefail
cd "$(dirname "$0")/.."

fail() { echo "bench-startup: $*" >&2; exit 2; }
command -v perf >/dev/null || fail "perf not found (apt-get install linux-perf)"

# shellcheck source=scripts/ab-builds.sh
. scripts/ab-builds.sh
ab_builds bench-startup
mkdir -p "$tmp/alone" "$tmp/empty" || fail "mkdir"
[ -x "$tmp/b/corobench-child" ] || fail "make build made no corobench-child beside corobench"
cp "$b" "$tmp/alone/corobench" || fail "cp"
printf 'package main\n\nfunc main() {}\n' >"$tmp/empty/main.go"
(cd "$tmp/empty" && CGO_ENABLED=0 go build -o empty main.go) || fail "build of the empty Go program failed"

out=${OUT:-reports/bench-startup}
mkdir -p "$out" || fail "mkdir $out"

# one NAME [WRAPPER...] -- CMD...: one run of CMD under perf stat (started
# by WRAPPER, if any), appended to NAME's file as "task-clock-ms page-faults".
one() {
	local name=$1 wrap=()
	shift
	while [ "$1" != -- ]; do wrap+=("$1"); shift; done
	shift
	"${wrap[@]}" perf stat -x, -e task-clock,page-faults "$@" 2>&1 >/dev/null |
		awk -F, '$3 == "task-clock" { t = $1 } $3 == "page-faults" { p = $1 } END { print t, p }' >>"$tmp/$name.txt"
}

# withconn CMD...: CMD with a connection whose client has gone as its file
# descriptor 3 and GOMAXPROCS=1, as the process model starts a child.
withconn=(python3 -c 'import os, socket, sys
a, b = socket.socketpair()
b.close()
os.dup2(a.fileno(), 3)
os.environ["GOMAXPROCS"] = "1"
os.execvp(sys.argv[1], sys.argv[1:])')
command -v python3 >/dev/null || fail "python3 not found (it hands the child program its socket)"

# quartiles COLUMN FILE: "q1 median q3" of a column of numbers.
quartiles() {
	awk -v c="$1" '{ print $c }' "$2" | sort -g |
		awk '{ v[NR] = $1 } END { printf "%.2f %.2f %.2f", v[int(NR/4)+1], v[int(NR/2)+1], v[int(3*NR/4)+1] }'
}

runs=${RUNS:-200}
names=(true empty-go child A-help B-help)
echo "bench-startup: start cost, $runs runs of each, rotated" >&2
for ((i = 0; i < runs; i++)); do
	for ((j = 0; j < ${#names[@]}; j++)); do
		case ${names[(i + j) % ${#names[@]}]} in
		true) one true -- /bin/true ;;
		empty-go) one empty-go -- "$tmp/empty/empty" ;;
		child) one child "${withconn[@]}" -- "$tmp/b/corobench-child" conn -model process -cpu-rate 500 ;;
		A-help) one A-help -- "$a" help ;;
		B-help) one B-help -- "$b" help ;;
		esac
	done
done
{
	printf '%-11s %-28s %-26s %s\n' program "task-clock ms (q1 med q3)" "page faults (q1 med q3)" "size bytes"
	size() { case $1 in true) stat -L -c %s /bin/true ;; empty-go) stat -c %s "$tmp/empty/empty" ;;
		child) stat -c %s "$tmp/b/corobench-child" ;; A-help) stat -c %s "$a" ;; B-help) stat -c %s "$b" ;; esac; }
	for x in "${names[@]}"; do
		printf '%-11s %-28s %-26s %s\n' "$x" "$(quartiles 1 "$tmp/$x.txt")" "$(quartiles 2 "$tmp/$x.txt")" "$(size "$x")"
	done
	echo
	echo "the child's start as the process model makes it (B calibrate -starts), with the child program:"
	"$b" calibrate -starts | grep '^start of'
	echo "and without it (corobench re-executed):"
	"$tmp/alone/corobench" calibrate -starts | grep '^start of child'
} | tee "$out/start.txt"

[ "${CHURN:-1}" = 0 ] && exit 0
sed -e 's/^name: churn$/name: churn-process/' -e 's/^targets: .*/targets: [process]/' \
	scenarios/churn.yaml >"$tmp/churn-process.yaml" || fail "scenario"
echo "bench-startup: connection cost, process model, ${PAIRS:-10} pairs" >&2
"$b" ab -a "$a" -b "$b" -pairs "${PAIRS:-10}" -max-pairs "${PAIRS:-10}" \
	-o "$out" "$tmp/churn-process.yaml" | tee "$out/churn.txt"
status=${PIPESTATUS[0]}
# ab exits 1 when B is slower: a result here, not a failure of the script.
[ "$status" -le 1 ] || fail "ab failed (status $status)"
