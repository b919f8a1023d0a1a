# The two commands a newcomer needs: `make up` runs the platform, `make test` runs the tests.
# Both create the virtualenv (.venv) on first use.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PYTEST_ARGS ?=

.PHONY: up test lint format bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[server,edge,dev]'
	scripts/vendor-webapp.sh  # the web app's chart and websocket libraries (npm)
	scripts/vendor-graphiql.sh  # GraphiQL's files, so the developer pages work offline (npm)
	touch $(STAMP)

up: $(STAMP)  ## Run the whole platform (embedded PostgreSQL and broker unless configured).
	$(BIN)/fitconnect up $(ARGS)

test: $(STAMP)  ## Run the test suite (unit, integration, e2e).
	$(BIN)/pytest $(PYTEST_ARGS)

lint: $(STAMP)  ## ruff (lint and format check) and mypy strict.
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: $(STAMP)  ## Every benchmark, figures printed (see docs/performance.md).
	bench/run_all

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
