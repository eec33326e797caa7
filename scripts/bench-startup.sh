#!/usr/bin/env bash
# bench-startup: how much does starting the corobench binary cost, before
# and after a change? The process model pays it once per connection: its
# parent re-executes this binary (`corobench child conn`) for every one.
#
# Builds corobench at BASE (default: the merge-base with main) and from the
# working tree, each with its own Makefile's `build` target, then
#
#  1. start cost: `BIN help` run RUNS times per build, alternating A B B A …,
#     one `perf stat` per run; prints the median and quartiles of the
#     task-clock (CPU ms) and of the page faults, and the ratio B/A.
#  2. connection cost (unless CHURN=0): `B ab -a A -b B` on scenarios/churn.yaml
#     cut down to the process model — a new connection (so a new process)
#     per request; the cpu/req row is the target's CPU per connection,
#     children included, judged over PAIRS interleaved pairs.
#
# Medians of interleaved runs are what to compare; a busy machine moves
# every number, not much the ratio. Needs perf (Debian: linux-perf).
#
#   BASE    commit to compare against (default: merge-base with origin/main, else main)
#   RUNS    start-cost runs per build (default 200)
#   PAIRS   A/B pairs of the churn run (default 10); CHURN=0 skips it
#   OUT     where start.txt and churn.txt go (default: reports/bench-startup)
set -uo pipefail
cd "$(dirname "$0")/.."

fail() { echo "bench-startup: $*" >&2; exit 2; }
command -v perf >/dev/null || fail "perf not found (apt-get install linux-perf)"

base=${BASE:-}
if [ -z "$base" ]; then
	for ref in origin/main main; do
		if base=$(git merge-base HEAD "$ref" 2>/dev/null); then break; fi
		base=
	done
fi
[ -n "$base" ] || fail "no merge-base with origin/main or main; set BASE=<commit>"
base=$(git rev-parse --verify "$base^{commit}") || fail "BASE $base is not a commit"

tmp=$(mktemp -d) || fail "mktemp"
cleanup() {
	git worktree remove --force "$tmp/base" >/dev/null 2>&1
	rm -rf "$tmp"
}
trap cleanup EXIT

a=$tmp/corobench-a b=$tmp/corobench-b
echo "bench-startup: A = $(git rev-parse --short "$base"), B = working tree of $(git rev-parse --short HEAD)" >&2
git worktree add --detach --quiet "$tmp/base" "$base" || fail "git worktree add $base"
make -s -C "$tmp/base" build BIN="$a" >&2 || fail "build of A ($base) failed"
make -s build BIN="$b" >&2 || fail "build of B (working tree) failed"

out=${OUT:-reports/bench-startup}
mkdir -p "$out" || fail "mkdir $out"

# one BIN: one run of `BIN help` under perf stat; prints "task-clock-ms page-faults".
one() {
	perf stat -x, -e task-clock,page-faults "$1" help 2>&1 >/dev/null |
		awk -F, '$3 == "task-clock" { t = $1 } $3 == "page-faults" { p = $1 } END { print t, p }'
}

# quartiles COLUMN FILE: "q1 median q3" of a column of numbers.
quartiles() {
	awk -v c="$1" '{ print $c }' "$2" | sort -g |
		awk '{ v[NR] = $1 } END { printf "%.2f %.2f %.2f", v[int(NR/4)+1], v[int(NR/2)+1], v[int(3*NR/4)+1] }'
}

runs=${RUNS:-200}
echo "bench-startup: start cost, $runs runs of 'help' per build, A B B A …" >&2
: >"$tmp/a.txt"
: >"$tmp/b.txt"
for ((i = 0; i < runs; i++)); do
	if ((i % 2)); then
		one "$b" >>"$tmp/b.txt"
		one "$a" >>"$tmp/a.txt"
	else
		one "$a" >>"$tmp/a.txt"
		one "$b" >>"$tmp/b.txt"
	fi
done
{
	printf '%-6s %-28s %-26s %s\n' build "task-clock ms (q1 med q3)" "page faults (q1 med q3)" "size bytes"
	for x in a b; do
		bin=$tmp/corobench-$x
		printf '%-6s %-28s %-26s %s\n' "${x^^}" "$(quartiles 1 "$tmp/$x.txt")" "$(quartiles 2 "$tmp/$x.txt")" "$(stat -c %s "$bin")"
	done
	read -r _ ta _ <<<"$(quartiles 1 "$tmp/a.txt")"
	read -r _ tb _ <<<"$(quartiles 1 "$tmp/b.txt")"
	read -r _ pa _ <<<"$(quartiles 2 "$tmp/a.txt")"
	read -r _ pb _ <<<"$(quartiles 2 "$tmp/b.txt")"
	awk -v ta="$ta" -v tb="$tb" -v pa="$pa" -v pb="$pb" \
		'BEGIN { printf "B/A    task-clock %+.1f%%, page faults %+.1f%% (medians)\n", 100*(tb/ta-1), 100*(pb/pa-1) }'
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
