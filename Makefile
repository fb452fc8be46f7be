# One task runner: every command people and CI use lives here.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: serve test lint typecheck fmt validate clean

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# The project with its test extras, reinstalled whenever pyproject.toml changes.
$(STAMP): pyproject.toml | $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

## serve: the main job (until the query service exists: the drug card of Baclotop)
serve: $(STAMP)
	$(BIN)/baclokg info Baclotop

## test: lint, type-check and run the whole suite
test: $(STAMP) lint typecheck
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check baclokg tests
	$(BIN)/ruff format --check baclokg tests

typecheck: $(STAMP)
	$(BIN)/mypy

## fmt: rewrite ontology/ and graph/ files in their canonical form
fmt: $(STAMP)
	$(BIN)/baclokg fmt

validate: $(STAMP)
	$(BIN)/baclokg validate

clean:
	rm -rf $(VENV) build dist .pytest_cache .mypy_cache .ruff_cache
