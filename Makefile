# goshim — make help lists the targets.
GO      ?= go
BIN     ?= bin/goshim
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo devel)
LDFLAGS := -X github.com/goshim/goshim/cmd.version=$(VERSION)

.PHONY: help build test unit e2e e2e-container lint bench fuzz golden

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-14s %s\n", $$1, $$2}'

build: ## build bin/goshim
	$(GO) build -ldflags "$(LDFLAGS)" -o $(BIN) ./cmd/goshim

test: lint ## everything CI runs: vet, unit tests, real-shell round trips, e2e
	$(GO) test -count=1 ./...

unit: ## unit tests only (no e2e package)
	$(GO) test -count=1 $$($(GO) list ./... | grep -v /e2e)

e2e: ## the e2e suite: hooks under emulated (and real, if found) conda flows in every shell
	$(GO) test -count=1 -v ./e2e/...

e2e-container: ## the real-conda e2e suite inside miniconda/micromamba containers (skips without docker/podman)
	./scripts/e2e-container.sh

lint: ## gofmt and go vet
	@out=$$(gofmt -l .); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...

bench: ## activation cost per shell vs a hand-written floor, process counts, generate/install vs true, Go benchmarks (rewrites docs/benchmarks.md)
	$(GO) test -run '^$$' -bench . -benchmem ./...
	$(GO) run ./bench/activation -o docs/benchmarks.md

fuzz: ## fuzz every shell's quoting for 30s each (round trips through the real shells)
	for f in FuzzPosixQuoteRoundTrip FuzzFishQuoteRoundTrip FuzzCshQuoteRoundTrip FuzzPwshQuote; do \
		$(GO) test -run '^$$' -fuzz "^$$f\$$" -fuzztime 30s ./shim/shell || exit 1; \
	done

golden: ## rewrite golden files after a reviewed template change
	$(GO) test ./shim/render -update
