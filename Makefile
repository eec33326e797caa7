# corobench — run `make help` for the targets.

GO        ?= go
BIN       := bin/corobench
OUT       ?= reports/latest
SCENARIOS ?= scenarios/cpu-bound.yaml scenarios/io-bound.yaml

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

## bench: run the default scenario suite; writes $(OUT)/REPORT.md and results.json
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

## bench-models: every model beside gnet and net/http peers, pinned apart; req/s, CPU µs/req, idle memory (BENCH_MODELS_FLAGS)
.PHONY: bench-models
bench-models: build
	cd bench && $(GO) run ./models -bin ../$(BIN) $(BENCH_MODELS_FLAGS)
