"""Each model's output limit (``data/output_limits.json``, as the providers publish them): the most
output tokens one request can produce, so that a budget reservation never assumes more."""

from __future__ import annotations

import json
from functools import cache
from importlib.resources import files


@cache
def _limits() -> dict[str, int]:
    data = json.loads(files("sobria.catalog").joinpath("data/output_limits.json").read_text(encoding="utf-8"))
    return {str(model): int(entry["max_output_tokens"]) for model, entry in data["models"].items()}


@cache
def output_limit(model: str) -> int | None:
    """The output limit of ``model``, also under a dated or suffixed name (``claude-haiku-4-5-20251001``,
    ``gpt-4o-mini-2024-07-18``: the longest listed name it extends); None for a model not listed."""
    limits = _limits()
    if model in limits:
        return limits[model]
    known = [name for name in limits if model.startswith(name + "-")]
    return limits[max(known, key=len)] if known else None
