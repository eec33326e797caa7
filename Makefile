# corobench — run `make help` for the targets.

GO        ?= go
BIN       := bin/corobench
OUT       ?= reports/latest
C10K_OUT  ?= reports/c10k
SCENARIOS ?= scenarios/cpu-bound.yaml scenarios/io-bound.yaml scenarios/mixed.yaml \
             scenarios/efficiency-cpu.yaml scenarios/efficiency-io.yaml scenarios/efficiency-disk.yaml scenarios/c10k.yaml scenarios/churn.yaml
QUICK_SCENARIOS ?= scenarios/cpu-bound.yaml scenarios/io-bound.yaml \
             scenarios/efficiency-cpu.yaml scenarios/efficiency-io.yaml scenarios/efficiency-disk.yaml scenarios/churn.yaml

.DEFAULT_GOAL := help

## help: list the targets
.PHONY: help
help:
	@awk -F': ' '/^## /{ sub(/^## /, ""); printf "  %-10s %s\n", $$1, $$2 }' $(MAKEFILE_LIST)

# The binary is linked statically (CGO_ENABLED=0: nothing in it needs cgo)
# and without the chart library's PDF, EPS, PNG and TeX back ends (gonum's
# `minimal` tag; reports draw SVG only). Both cut its start, which the
# process model pays per connection: see docs/startup.md. A plain `go build`
# still makes a working binary, only slower to start.
BUILDTAGS ?= minimal

## build: build corobench, and beside it corobench-child (the process model's child), into bin/
.PHONY: build
build:
	CGO_ENABLED=0 $(GO) build -buildvcs=auto -tags '$(BUILDTAGS)' -o $(BIN) ./cmd/corobench
	CGO_ENABLED=0 $(GO) build -buildvcs=auto -tags '$(BUILDTAGS)' -o $(dir $(BIN))corobench-child ./cmd/corobench-child

## test: vet (the bench and deploy/kubernetes modules too), then run every test with the race detector
.PHONY: test
test:
	$(GO) vet ./...
	cd bench && $(GO) vet ./... && $(GO) test -count=1 ./chat
	cd deploy/kubernetes && $(GO) vet ./... && $(GO) test -count=1 ./...
	$(GO) test -race -count=1 ./...

## bench: run the default scenario suite (≤ 5 min on 2 cores); writes $(OUT)/REPORT.md and results.json
.PHONY: bench
bench: build
	$(BIN) run -o $(OUT) $(SCENARIOS)

## fuzz: fuzz the request and response parsers (HTTP and datagram), the expectation parser, the file name check and the chat parsers (FUZZTIME each, default 30s)
.PHONY: fuzz
fuzz:
	$(GO) test ./protocol -run '^$$' -fuzz '^FuzzParseRequest$$' -fuzztime $${FUZZTIME:-30s}
	$(GO) test ./protocol -run '^$$' -fuzz '^FuzzParseResponse$$' -fuzztime $${FUZZTIME:-30s}
	$(GO) test ./protocol -run '^$$' -fuzz '^FuzzParseDatagram$$' -fuzztime $${FUZZTIME:-30s}
	$(GO) test ./protocol -run '^$$' -fuzz '^FuzzParseDatagramAnswer$$' -fuzztime $${FUZZTIME:-30s}
	$(GO) test ./results -run '^$$' -fuzz '^FuzzParseExpectation$$' -fuzztime $${FUZZTIME:-30s}
	$(GO) test ./chat -run '^$$' -fuzz '^FuzzParse$$' -fuzztime $${FUZZTIME:-30s}
	$(GO) test ./chat -run '^$$' -fuzz '^FuzzParseReply$$' -fuzztime $${FUZZTIME:-30s}
	$(GO) test ./files -run '^$$' -fuzz '^FuzzParseName$$' -fuzztime $${FUZZTIME:-30s}
	$(GO) test ./loadgen -run '^$$' -fuzz '^FuzzChatLines$$' -fuzztime $${FUZZTIME:-30s}

## clean: remove built binaries and generated reports
.PHONY: clean
clean:
	rm -rf bin $(OUT)

## bench-check: A/B the merge-base (BASE=) against the working tree on scenarios/check; fails on a regression
.PHONY: bench-check
bench-check:
	@scripts/bench-check.sh

## peers: install the other languages' servers' needs (Debian packages) and check each peer
.PHONY: peers
peers:
	@if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3 python3-gevent; \
	else \
		echo "peers: not root or no apt-get; install python3-gevent (and nodejs) yourself"; \
	fi
	@command -v /usr/bin/node >/dev/null || echo "peers: /usr/bin/node missing; the node peer will be skipped (apt-get install nodejs)"
	@$(GO) test -count=1 -v -run 'TestPeersConform|TestPeersAnswerLikeGo|TestWorkMatchesGo|TestCalibratedRates' \
		./targets/external >/tmp/corobench-peers.log 2>&1; rc=$$?; \
		grep -E '^(--- |    --- |ok|FAIL)|skip |units/µs' /tmp/corobench-peers.log | grep -v '^        '; exit $$rc

## truth: the load generator's fidelity tests, tight bounds included (run on a quiet machine)
.PHONY: truth
truth:
	COROBENCH_TRUTH=1 $(GO) test -count=1 -run 'Truth' -v ./loadgen

## bench-loadgen: corobench load (epoll and goroutine engines) vs wrk vs bombardier on one target, pinned apart, interleaved (DURATION, CONNS, REPS, ENGINES, THREADS)
.PHONY: bench-loadgen
bench-loadgen:
	bash scripts/bench-loadgen.sh

## bench-datagrams: the models and Python's UDP servers over UDP, the load generator's batching, eventloop with and without recvmmsg, overload (PARTS, REPS, DURATION)
.PHONY: bench-datagrams
bench-datagrams:
	flock /tmp/corobench-measure.lock bash scripts/bench-datagrams.sh $(PARTS)

## bench-chat: the chat room per model and transport and the Python chat peers, largest room with p99 < 50 ms, deliveries/s, CPU per delivery, memory per member, p99 with 5% slow members (~14 min; SIZES, REPS, DURATION, TARGETS)
.PHONY: bench-chat
bench-chat:
	flock /tmp/corobench-measure.lock bash scripts/bench-chat.sh

## bench-anyserver: corobench load vs wrk and hey on servers not ours (nginx static files, net/http chunked or not, nginx over TLS; PARTS, REPS, DURATION, CONNS)
.PHONY: bench-anyserver
bench-anyserver:
	bash scripts/bench-anyserver.sh

## bench-quick: a quick look (≤ 60 s on 2 cores): fewer scenarios, 1 repetition, short runs
.PHONY: bench-quick
bench-quick: build
	$(BIN) run -o $(OUT) -repetitions 1 -duration 500ms -warmup 200ms $(QUICK_SCENARIOS)

## report: re-render $(OUT)/REPORT.md and charts from $(OUT)/results.json
.PHONY: report
report: build
	$(BIN) report -o $(OUT) $(OUT)/results.json

## bench-models: every model beside gnet and net/http peers, pinned apart; req/s, CPU µs/req, idle memory (BENCH_MODELS_FLAGS)
.PHONY: bench-models
bench-models: build
	cd bench && $(GO) run ./models -bin ../$(BIN) $(BENCH_MODELS_FLAGS)

## bench-c10k: the C10K curve, req/s and CPU per request of select, poll, epoll (LT, ET) and goroutines against 0–10,000 idle connections (~3 min; C10K_OUT)
.PHONY: bench-c10k
bench-c10k: build
	$(BIN) run -o $(C10K_OUT) scenarios/curves/c10k-curve.yaml

## bench-startup: start cost of the binary (paid per connection by the process model), merge-base (BASE=) vs working tree
.PHONY: bench-startup
bench-startup:
	@scripts/bench-startup.sh
