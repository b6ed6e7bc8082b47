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
	$(BIN)/python bench/eval_speakers.py
	$(BIN)/python bench/bench_names.py
	$(BIN)/python bench/bench_write_check.py
	$(BIN)/python bench/bench_adversarial.py
	$(BIN)/python bench/load.py
	$(BIN)/python bench/bench_ingest.py
	$(BIN)/python bench/bench_real_quotes.py
	$(BIN)/python bench/bench_scale.py
	$(BIN)/python bench/bench_churn.py
	$(BIN)/python bench/bench_live_import.py
	$(BIN)/python bench/bench_slow_clients.py

# The long fuzzing run: random (not derandomised) and 25x the examples `make test` uses.
fuzz: $(STAMP)
	FUZZ_EXAMPLES=$${FUZZ_EXAMPLES:-300} FUZZ_RANDOM=1 $(BIN)/python -m pytest -q tests/api/test_fuzz_api.py

openapi: $(STAMP)
	$(BIN)/python -m service.api.openapi_export > openapi.json

clean:
	rm -rf $(VENV) var .pytest_cache .hypothesis
