# The two commands: `make bench` and `make test`. Both set up what they need and are idempotent.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Extra models for `make bench`, e.g. BENCH_MODELS="openai:gpt-4o-mini"
BENCH_MODELS ?=
WORKERS ?= 2

.PHONY: setup bench test lint format clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

## setup: install the package, get a Docker engine, build the sandbox images
setup: $(STAMP)
	$(BIN)/codebench setup

REFERENCE_MODELS := gold noop gold+reformat gold+rename gold+style partial

## bench: run the core suite with the reference models (and BENCH_MODELS)
bench: setup
	$(BIN)/codebench run --suite core $(foreach m,$(REFERENCE_MODELS) $(BENCH_MODELS),--model $(m)) \
		--workers $(WORKERS)

## test: lint, type-check and the whole test suite (Docker tests included)
test: $(STAMP)
	$(BIN)/codebench setup --allow-no-docker
	$(MAKE) --no-print-directory lint
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) runs .codebench-cache
