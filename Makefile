# Make is the front door: `make extract` and `make test` set up .venv themselves.
.DEFAULT_GOAL := help
.DELETE_ON_ERROR:
SHELL := /bin/bash

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIPELINE := $(VENV)/bin/pipeline
VENV_STAMP := $(VENV)/.installed
# The list of sources (path, size, time), rewritten only when it changes: Make sees a source added,
# edited, deleted or renamed whatever its name (spaces, quotes, å/ä/ö), which a list of file names as
# prerequisites cannot do.
RAW_LIST := .raw-sources.list
CODE := $(shell find pipeline -name '*.py' -o -name '*.csv' -o -name '*.toml' -o -name '*.css' -o -name '*.js' | sort)
# Every file the last extraction wrote, as its manifest lists them; deleting any one (or the
# manifest) makes `make extract` run again. Before the first run only the manifest is known.
CHECKSUMS := output/checksums.sha256
OUTPUTS := $(CHECKSUMS) $(addprefix output/,$(shell sed 's/^[0-9a-f]*  //' $(CHECKSUMS) 2>/dev/null))
DICTIONARY := docs/data-dictionary.md
EXPORTS := output/export/csv/datapackage.json output/export/tables.xlsx output/export/csv-excel/documents.csv
# The npm tools of package-lock.json, installed when npm is here: Biome lints the review site's CSS and
# JavaScript (make test), axe-core checks the review page's accessibility in the browser test (make test-slow)
NODE_TOOLS := node_modules/.installed
NPM := $(shell command -v npm 2>/dev/null)

# Runs a command for each other report family's dataset (output/families/<id>), its folder last.
for_each_family = @for family in output/families/*/; do if [ -d "$$family" ]; then $(1) "$${family%/}" || exit 1; fi; done

FORCE: # always "remade", so the rule that needs it runs on every make
.PHONY: help venv extract review export test test-slow bench fuzz check-output diff clean lock

help: ## Show the targets
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

$(VENV_STAMP): requirements.lock pyproject.toml pipeline/__init__.py
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps -r requirements.lock
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	$(PY) -m pip check --disable-pip-version-check
	touch $@

venv: $(VENV_STAMP) ## Create .venv with the pinned packages of requirements.lock and the `pipeline` command
	@echo "$(VENV)/bin/pipeline is installed; activate it with: . $(VENV)/bin/activate"

$(RAW_LIST): FORCE
	+@find -L raw \( -type f -o -type l \) ! -name README.md ! -path '*/.*' -printf '%P\t%s\t%T@\n' 2>/dev/null \
	  | LC_ALL=C sort > $@.new; if cmp -s $@.new $@; then rm -f $@.new; else mv -f $@.new $@; fi

$(OUTPUTS) &: $(RAW_LIST) $(CODE) $(VENV_STAMP)
	$(PIPELINE) extract

# Never deleted by .DELETE_ON_ERROR: the pipeline swaps a finished tree in or leaves the old one, and
# output/json and the dictionary are committed; a run that fails after its swap (a closed pipe) leaves a complete tree.
.PRECIOUS: $(OUTPUTS) $(DICTIONARY)

$(DICTIONARY): $(CODE) $(VENV_STAMP)
	$(PIPELINE) dictionary --output $@

extract: $(OUTPUTS) $(DICTIONARY) $(EXPORTS) ## Extract raw/ into interim/ and output/, then the spreadsheet exports (skipped when sources and code are unchanged)
	@echo "output/ is up to date with raw/, the code and the reference data"

review: extract ## Write the review site, output/review/index.html (make extract writes it too), and print its address
	@echo "file://$(CURDIR)/output/review/index.html"

output/export/csv/datapackage.json: $(OUTPUTS)
	$(PIPELINE) export --format csv
	$(call for_each_family,$(PIPELINE) export --format csv --output-dir)

output/export/tables.xlsx: $(OUTPUTS)
	$(PIPELINE) export --format xlsx
	$(call for_each_family,$(PIPELINE) export --format xlsx --output-dir)

output/export/csv-excel/documents.csv: $(OUTPUTS)
	$(PIPELINE) export --format csv --dialect excel
	$(call for_each_family,$(PIPELINE) export --format csv --dialect excel --output-dir)

export: $(EXPORTS) ## Write every table as one Excel workbook (output/export/tables.xlsx), as CSV (output/export/csv/) and as CSV for Excel (output/export/csv-excel/)
	@echo "workbook: $(CURDIR)/output/export/tables.xlsx  CSV: $(CURDIR)/output/export/csv/  CSV for Excel: $(CURDIR)/output/export/csv-excel/"

$(NODE_TOOLS): package.json package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
	touch $@

test: $(VENV_STAMP) $(if $(NPM),$(NODE_TOOLS)) ## Run the test suite, all but the slow end-to-end tests (on every core; about 90 s on 2 cores)
	$(PY) -m pytest -n auto -m "not slow"

test-slow: $(VENV_STAMP) $(if $(NPM),$(NODE_TOOLS)) ## Run the slow end-to-end tests: headless Chromium with axe-core, a fresh clone, killed runs (CI runs them)
	$(PY) -m pytest -n auto -m slow

bench: $(VENV_STAMP) ## Measure throughput and memory beside same-run baselines (docs/benchmarks.md, .svg) and hostile inputs (docs/benchmarks-hostile.md)
	$(PY) -m benchmarks.run
	$(PY) -m benchmarks.hostile

fuzz: $(VENV_STAMP) ## Fuzz the readers and parsers for FUZZ_MINUTES (default 10; not part of make test)
	$(PY) -m fuzz --minutes $${FUZZ_MINUTES:-10}

check-output: extract ## Fail when the committed output (json, schema, provenance, marker) or docs/data-dictionary.md is stale
	git diff --exit-code --stat -- output/json output/schema output/provenance.json output/dcat-ap-se.rdf output/.pipeline-output $(DICTIONARY)
	@untracked=$$(git ls-files --others --exclude-standard -- output/json output/schema output/provenance.json output/dcat-ap-se.rdf output/.pipeline-output $(DICTIONARY)); \
	if [ -n "$$untracked" ]; then echo "untracked generated files:"; echo "$$untracked"; exit 1; fi

DIFF_ARGS ?=
diff: extract ## Report what the extraction changes against HEAD's output/json, ending "changes found" when it does (DIFF_ARGS="--format json --html diff.html")
	@$(PY) -m pipeline diff HEAD output $(DIFF_ARGS); status=$$?; \
	if [ $$status -eq 1 ]; then echo "changes found"; elif [ $$status -ne 0 ]; then exit $$status; fi; \
	for family in output/families/*/; do [ -d "$$family" ] || continue; family=$${family%/}; \
	  if git cat-file -e "HEAD:$$family/json" 2>/dev/null; then \
	    $(PY) -m pipeline diff "HEAD:$$family" "$$family" $(DIFF_ARGS); status=$$?; \
	    if [ $$status -eq 1 ]; then echo "changes found in $$family"; elif [ $$status -ne 0 ]; then exit $$status; fi; \
	  else echo "$$family: a new report family, not in HEAD"; fi; done

lock: ## Re-resolve requirements.lock from pyproject.toml (needs the package index)
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv
	.lock-venv/bin/pip install --quiet --disable-pip-version-check setuptools '.[test]'
	.lock-venv/bin/pip freeze --all --exclude pip --exclude regional-social-enterprise-pipeline \
	  | sed '1i # Exact versions of every package `make` installs into .venv (runtime and tests).\n# Regenerate after changing pyproject.toml: make lock' > requirements.lock
	rm -rf .lock-venv

clean: ## Remove interim/, output/parquet/, the review site and the exports (output/json is committed)
	rm -rf interim/*/ output/parquet output/review output/export output/datapackage.json $(CHECKSUMS)
