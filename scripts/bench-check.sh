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

# shellcheck source=scripts/ab-builds.sh
. scripts/ab-builds.sh
ab_builds bench-check

out=${OUT:-reports/bench-check}
mkdir -p "$out" || fail "mkdir $out"
# shellcheck disable=SC2086 # SCENARIOS and AB_FLAGS are word lists
"$b" ab -a "$a" -b "$b" \
	-pairs "${PAIRS:-10}" -max-pairs "${MAX_PAIRS:-20}" -o "$out" ${AB_FLAGS:-} \
	${SCENARIOS:-scenarios/check/*.yaml} | tee "$out/AB.txt"
status=${PIPESTATUS[0]}
case $status in
0) echo "bench-check: no regression (A $(git rev-parse --short "$base"))" >&2 ;;
1) echo "bench-check: REGRESSION against $(git rev-parse --short "$base"); see $out/AB.txt" >&2 ;;
*) echo "bench-check: the check failed (status $status)" >&2; status=2 ;;
esac
exit "$status"
