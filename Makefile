# Make is the front door: `make extract` and `make test` set up .venv themselves.
.DEFAULT_GOAL := help
.DELETE_ON_ERROR:
SHELL := /bin/bash

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
VENV_STAMP := $(VENV)/.installed
RAW := $(shell find raw -type f ! -name README.md ! -name '.*' 2>/dev/null | sort)
CODE := $(shell find pipeline -name '*.py' -o -name '*.csv' -o -name '*.toml' | sort)
EXTRACTED := output/parquet/documents.parquet

.PHONY: help venv extract review test bench fuzz check-output diff clean lock

help: ## Show the targets
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

$(VENV_STAMP): requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps -r requirements.lock
	$(PY) -m pip check --disable-pip-version-check
	touch $@

venv: $(VENV_STAMP) ## Create .venv with the pinned packages of requirements.lock

$(EXTRACTED): $(RAW) $(CODE) $(VENV_STAMP)
	$(PY) -m pipeline extract

extract: $(EXTRACTED) ## Extract raw/ into interim/ and output/ (skipped when sources and code are unchanged)
	@echo "output/ is up to date with raw/, the code and the reference data"

review: extract ## Write output/review/index.html (make extract writes it too) and print its address
	@echo "file://$(CURDIR)/output/review/index.html"

test: $(VENV_STAMP) ## Run the test suite (on every core)
	$(PY) -m pytest -n auto

bench: $(VENV_STAMP) ## Measure throughput, memory and speed-up (docs/benchmarks.md) and hostile inputs (docs/benchmarks-hostile.md)
	$(PY) -m benchmarks.run
	$(PY) -m benchmarks.hostile

fuzz: $(VENV_STAMP) ## Fuzz the readers and parsers for FUZZ_MINUTES (default 10; not part of make test)
	$(PY) -m fuzz --minutes $${FUZZ_MINUTES:-10}

check-output: extract ## Fail when the committed output/json, output/schema or output marker differs from a fresh extraction
	git diff --exit-code --stat -- output/json output/schema output/.pipeline-output
	@untracked=$$(git ls-files --others --exclude-standard -- output/json output/schema output/.pipeline-output); \
	if [ -n "$$untracked" ]; then echo "untracked extraction files:"; echo "$$untracked"; exit 1; fi

diff: extract ## Show what the working tree's extraction changes against HEAD's committed output/json
	@$(PY) -m pipeline diff HEAD output; status=$$?; [ $$status -le 1 ]

lock: ## Re-resolve requirements.lock from pyproject.toml (needs the package index)
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv
	.lock-venv/bin/pip install --quiet --disable-pip-version-check '.[test]'
	.lock-venv/bin/pip freeze --exclude regional-social-enterprise-pipeline \
	  | sed '1i # Exact versions of every package `make` installs into .venv (runtime and tests).\n# Regenerate after changing pyproject.toml: make lock' > requirements.lock
	rm -rf .lock-venv

clean: ## Remove interim/ and output/parquet/ (output/json is committed)
	rm -rf interim/*/ output/parquet
