# One task runner for people and CI alike.
PYTHON ?= python3
PIP := $(PYTHON) -m pip

.PHONY: install demo test lint typecheck check bench

install:
	$(PIP) install --quiet --disable-pip-version-check -e ".[dev]"

# The main job on embedded data (until the demo company lands: worked estimates).
demo: install
	sobria estimate --provider openai --model gpt-4o --input-tokens 1000 --output-tokens 400
	sobria estimate --provider mistral --model mistral-large-latest --output-tokens 400 --zone FRA
	sobria estimate --provider openai --model dall-e-3 --images 4 --size 1024x1024

test: install
	$(PYTHON) -m pytest

lint:
	ruff check src tests benchmarks

typecheck:
	mypy src/sobria

check: lint typecheck test

bench: install
	$(PYTHON) benchmarks/bench_impact.py
