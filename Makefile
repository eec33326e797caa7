# corobench — run `make help` for the targets.

GO        ?= go
BIN       := bin/corobench
OUT       ?= reports/latest
SCENARIOS ?= scenarios/cpu-bound.yaml scenarios/io-bound.yaml scenarios/mixed.yaml \
             scenarios/efficiency-cpu.yaml scenarios/efficiency-io.yaml scenarios/c10k.yaml scenarios/churn.yaml
QUICK_SCENARIOS ?= scenarios/cpu-bound.yaml scenarios/io-bound.yaml \
             scenarios/efficiency-cpu.yaml scenarios/efficiency-io.yaml scenarios/churn.yaml

.DEFAULT_GOAL := help

## help: list the targets
.PHONY: help
help:
	@awk -F': ' '/^## /{ sub(/^## /, ""); printf "  %-10s %s\n", $$1, $$2 }' $(MAKEFILE_LIST)

## build: build the corobench binary into bin/
.PHONY: build
build:
	$(GO) build -o $(BIN) ./cmd/corobench

## test: vet, then run every test with the race detector
.PHONY: test
test:
	$(GO) vet ./...
	$(GO) test -race -count=1 ./...

## bench: run the default scenario suite (≤ 5 min on 2 cores); writes $(OUT)/REPORT.md and results.json
.PHONY: bench
bench: build
	$(BIN) run -o $(OUT) $(SCENARIOS)

## fuzz: fuzz the request and response parsers (FUZZTIME each, default 30s)
.PHONY: fuzz
fuzz:
	$(GO) test ./targets/protocol -run '^$$' -fuzz '^FuzzParseRequest$$' -fuzztime $${FUZZTIME:-30s}
	$(GO) test ./targets/protocol -run '^$$' -fuzz '^FuzzParseResponse$$' -fuzztime $${FUZZTIME:-30s}

## clean: remove built binaries and generated reports
.PHONY: clean
clean:
	rm -rf bin $(OUT)

## bench-quick: a quick look (≤ 60 s on 2 cores): fewer scenarios, 1 repetition, short runs
.PHONY: bench-quick
bench-quick: build
	$(BIN) run -o $(OUT) -repetitions 1 -duration 500ms -warmup 200ms $(QUICK_SCENARIOS)
