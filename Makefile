# `make` installs what is needed and builds every output into output/; `make test` runs the checks.
# Installs and compiles happen only when their inputs change, so a second `make` is fast.
SHELL := /bin/bash
.DEFAULT_GOAL := all
NODE_DEPS := node_modules/.installed
TOOLS := node_modules/.test-tools
COMPILED := dist/.compiled
TS_SOURCES := $(shell find pipeline -name '*.ts')
CLI := node dist/cli.js

.PHONY: all build check test clean
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

# The tests read outputs back with real clients (poppler, qpdf, LibreOffice, python-docx, Chromium).
$(TOOLS): tests/install-tools.sh
	bash tests/install-tools.sh
	@touch $@

test: $(COMPILED) $(TOOLS)
	npx tsc --noEmit -p tests/tsconfig.json
	npx vitest run

# Removes only what the build wrote: compiled JavaScript and the generated outputs (output/.gitkeep stays).
clean:
	rm -rf dist
	find output -mindepth 1 ! -name .gitkeep -delete
