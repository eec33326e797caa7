#!/usr/bin/env bash
# bench-chat: the chat room, every model that serves it over each transport
# (corobench models -json) and the Python chat peers, target pinned to
# TARGET_CPU and load generator to CLIENT_CPU. It sweeps the room's size to
# find each target's largest room with a delivery p99 under P99, and there
# measures deliveries/s, the target's CPU per delivery, its memory per
# member, and the reading members' p99 without and with SLOW of the
# members never reading (measured long enough for them to be kicked: their
# sockets fill, then the kick bound passes); interleaved, REPS repetitions,
# medians. Beside each target: how much of its runnable time it waited for
# its core (other work on the machine) and how much of its own core the
# load generator used, so a reader knows when the machine or the client,
# not the model, set the numbers. Prints a markdown table. Run it under
# the measure lock:
#
#   flock /tmp/corobench-measure.lock scripts/bench-chat.sh
#
# SIZES (members, ascending), RATE (messages/s per member), DURATION (per
# run), REPS, P99, SLOW, TARGETS (comma-separated, default all), OUT (a
# directory for the scenarios and results; default a temporary one).
# About 14 minutes on 2 cores with the defaults.
set -euo pipefail
cd "$(dirname "$0")/.."

SIZES=${SIZES:-25,50,100,150,200}
RATE=${RATE:-10}
DURATION=${DURATION:-2s}
REPS=${REPS:-2}
P99=${P99:-50ms}
SLOW=${SLOW:-0.05}
TARGET_CPU=${TARGET_CPU:-0}
CLIENT_CPU=${CLIENT_CPU:-1}

make -s build
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
go -C bench build -o "$work/bench-chat" ./chat
echo "# $(go version | cut -d' ' -f3), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')"
"$work/bench-chat" -bin bin/corobench -sizes "$SIZES" -rate "$RATE" -duration "$DURATION" \
	-reps "$REPS" -p99 "$P99" -slow "$SLOW" -target-cpu "$TARGET_CPU" -client-cpu "$CLIENT_CPU" \
	${TARGETS:+-targets "$TARGETS"} ${OUT:+-o "$OUT"}
