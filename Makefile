# Set-up and everyday commands. `make tour` and `make test` each build the virtual
# environment first when it is missing or out of date.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PLUGINS := $(sort $(dir $(wildcard plugins/*/pyproject.toml)))
STAMP := $(VENV)/.installed

.PHONY: tour test lint docs bench clean

$(STAMP): pyproject.toml constraints.txt $(wildcard plugins/*/pyproject.toml)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -c constraints.txt \
		-e '.[test,export,docs]' $(foreach plugin,$(PLUGINS),-e $(plugin))
	touch $(STAMP)

## A short end-to-end tour of every plugin on data that needs no internet.
tour: $(STAMP)
	PATH="$(abspath $(BIN)):$$PATH" bash scripts/tour.sh

## Lint, a strict build of the docs, and the whole test suite.
test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mkdocs build --strict --quiet
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

## The documentation site, built strictly (warnings are errors); the reference
## pages are regenerated from the code first.
docs: $(STAMP)
	$(BIN)/mkdocs build --strict

## Every benchmark; each writes its figures under benchmarks/results/.
bench: $(STAMP)
	$(BIN)/python benchmarks/run_all.py

clean:
	rm -rf $(VENV) site runs
