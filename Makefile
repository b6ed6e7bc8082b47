# The commands people type. Each target sets itself up: a fresh machine needs only Python 3.11+ and make.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed

.PHONY: run test lint format bench fuzz openapi clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test,bench]'
	touch $(STAMP)

run: $(STAMP)
	PORT=$(PORT) VERBATIM_DATA_DIR=$${VERBATIM_DATA_DIR:-var} $(BIN)/gunicorn -c gunicorn.conf.py 'service:create_app()'

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: $(STAMP)
	$(BIN)/python bench/bench_matching.py
	$(BIN)/python bench/eval_attribution.py

openapi: $(STAMP)
	$(BIN)/python -m service.openapi_export > openapi.json

clean:
	rm -rf $(VENV) var .pytest_cache .hypothesis
