# The two commands: `make bench` and `make test`. Both set up what they need and are idempotent.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Extra models for `make bench`, e.g. BENCH_MODELS="openai:gpt-4o-mini"
BENCH_MODELS ?=
WORKERS ?= 2

.PHONY: setup bench test browser lint format clean

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
test: $(STAMP) browser
	$(BIN)/codebench setup --allow-no-docker
	$(MAKE) --no-print-directory lint
	$(BIN)/python -m pytest -q

## browser: Debian's chromium for the page's browser test (root + apt only; else the test says so)
browser:
	@command -v chromium >/dev/null 2>&1 \
	|| { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 \
	     && DEBIAN_FRONTEND=noninteractive apt-get update -qq \
	     && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; } \
	|| echo "WARNING: no chromium could be installed: the browser test cannot run"

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) runs .codebench-cache
