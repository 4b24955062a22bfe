# `make` installs what is needed and builds every output into output/; `make test` runs the checks.
# Installs and compiles happen only when their inputs change, so a second `make` is fast.
SHELL := /bin/bash
.DEFAULT_GOAL := all
NODE_DEPS := node_modules/.installed
TOOLS := node_modules/.test-tools
COMPILED := dist/.compiled
TS_SOURCES := $(shell find pipeline -name '*.ts')
CLI := node dist/cli.js

.PHONY: all build check test clean watch
all: build

$(NODE_DEPS): package-lock.json package.json
	npm ci --no-audit --no-fund
	@touch $@

$(COMPILED): $(NODE_DEPS) tsconfig.json $(TS_SOURCES)
	npx tsc -p tsconfig.json
	@touch $@

build: $(COMPILED)
	$(CLI) build

check: $(COMPILED)
	$(CLI) check

# Rebuilds on every save; errors are shown and the last good outputs stay.
watch: $(COMPILED)
	$(CLI) watch

# The tests read outputs back with real clients (poppler, qpdf, LibreOffice, python-docx, Chromium).
$(TOOLS): tests/install-tools.sh
	bash tests/install-tools.sh
	@touch $@

test: $(COMPILED) $(TOOLS)
	npx tsc --noEmit -p tests/tsconfig.json
	npx vitest run

# Removes only what the build wrote: the outputs its manifest records, and the compiled JavaScript.
clean:
	if [ -f dist/cli.js ]; then $(CLI) clean; fi
	rm -rf dist

# Timings of the build against the targets of issue 8, as a table (takes a few minutes; BENCH_QUICK=1 for a short
# run with 100 synthetic towns; BENCH_RUNS, BENCH_TOWNS: see tests/bench/run.mjs). Not part of `make test`.
.PHONY: bench
bench: $(COMPILED)
	node tests/bench/run.mjs
