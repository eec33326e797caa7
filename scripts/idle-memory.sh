#!/usr/bin/env bash
# What an idle connection costs each blocking model: target RSS and PSS (its
# whole process tree), threads and processes, before and after N connections
# that each made one /health request and then idle. PSS counts pages shared
# by process children once, so it is the fair number for process and prefork.
#
#   scripts/idle-memory.sh                 # the counts the docs quote
#   scripts/idle-memory.sh goroutine 2000  # one model, one count
#
# Needs Linux (/proc) and about 2 x N free file descriptors.
set -euo pipefail
cd "$(dirname "$0")/.."
go build -o bin/corobench ./cmd/corobench
if [ $# -eq 2 ]; then
	exec go run ./scripts/idlemem -bin bin/corobench -model "$1" -conns "$2"
fi
for spec in goroutine:10000 goroutine-1:10000 thread:1000 process:200; do
	go run ./scripts/idlemem -bin bin/corobench -model "${spec%%:*}" -conns "${spec##*:}"
done
