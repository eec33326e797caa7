#!/usr/bin/env bash
# bench-check: did this change make a server slower?
#
# Builds corobench at the merge-base of HEAD and the main branch (or BASE)
# and from the working tree, then runs `corobench ab` on a short scenario
# set: the two builds interleaved A B B A …, a fresh process per run,
# PAIRS pairs, one pre-declared extension to MAX_PAIRS for unclear targets.
#
# Exit status, as `corobench compare`: 0 no regression (warnings allowed),
# 1 regression, 2 the check itself failed.
#
#   BASE        commit to compare against (default: merge-base with origin/main, else main)
#   SCENARIOS   scenario files (default: scenarios/check/*.yaml)
#   PAIRS       pairs per target (default 10); MAX_PAIRS (default 20)
#   OUT         where a.json, b.json and AB.txt go (default: reports/bench-check)
#   AB_FLAGS    more flags for corobench ab: -md, -thresholds FILE, -threshold p99=off
set -uo pipefail
cd "$(dirname "$0")/.."

fail() { echo "bench-check: $*" >&2; exit 2; }

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

echo "bench-check: A = merge-base $(git rev-parse --short "$base"), B = working tree of $(git rev-parse --short HEAD)" >&2
git worktree add --detach --quiet "$tmp/base" "$base" || fail "git worktree add $base"
# Each side built by its own Makefile, as it ships (the build flags change
# how fast the process model's children start), in a directory of its own:
# the child program goes beside corobench.
mkdir -p "$tmp/a" "$tmp/b" || fail "mkdir"
make -s -C "$tmp/base" build BIN="$tmp/a/corobench" >&2 || fail "build of A ($base) failed"
make -s build BIN="$tmp/b/corobench" >&2 || fail "build of B (working tree) failed"

out=${OUT:-reports/bench-check}
mkdir -p "$out" || fail "mkdir $out"
# shellcheck disable=SC2086 # SCENARIOS and AB_FLAGS are word lists
"$tmp/b/corobench" ab -a "$tmp/a/corobench" -b "$tmp/b/corobench" \
	-pairs "${PAIRS:-10}" -max-pairs "${MAX_PAIRS:-20}" -o "$out" ${AB_FLAGS:-} \
	${SCENARIOS:-scenarios/check/*.yaml} | tee "$out/AB.txt"
status=${PIPESTATUS[0]}
case $status in
0) echo "bench-check: no regression (A $(git rev-parse --short "$base"))" >&2 ;;
1) echo "bench-check: REGRESSION against $(git rev-parse --short "$base"); see $out/AB.txt" >&2 ;;
*) echo "bench-check: the check failed (status $status)" >&2; status=2 ;;
esac
exit "$status"
