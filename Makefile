# One task runner for people and CI alike.
PYTHON ?= python3
PIP := $(PYTHON) -m pip

.PHONY: install demo test lint typecheck check bench bench-all

install:
	$(PIP) install --quiet --disable-pip-version-check -e ".[dev]"

# The main job on the embedded demo company (generated, imported into ./sobria.db).
demo: install
	sobria demo

test: install
	$(PYTHON) -m pytest

lint:
	ruff check src tests benchmarks

typecheck:
	mypy src/sobria

check: lint typecheck test

bench: install
	$(PYTHON) benchmarks/bench_impact.py

# Every benchmark; bench_gateway compares with LiteLLM when a `litellm` binary is given (docs/gateway.md).
bench-all: install
	$(PYTHON) benchmarks/bench_impact.py
	$(PYTHON) benchmarks/bench_ingest.py
	$(PYTHON) benchmarks/bench_audit.py
	$(PYTHON) benchmarks/bench_pii.py
	$(PYTHON) benchmarks/eval_waste.py
	$(PYTHON) benchmarks/bench_gateway.py
