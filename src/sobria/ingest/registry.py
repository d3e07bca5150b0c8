"""The import kinds and the parser module of each (imported only when used)."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path

from sobria.errors import Location, UserInputError
from sobria.ingest.parsed import Parsed, ParseOptions

KINDS: dict[str, str] = {
    "events": "events",
    "openai-usage": "openai_usage",
    "anthropic-usage": "anthropic_usage",
    "litellm": "litellm",
    "chatgpt-enterprise": "chatgpt_enterprise",
    "otel": "otel",
    "survey": "survey",
}

Parser = Callable[[Path, ParseOptions], Parsed]


def parser_for(kind: str) -> Parser:
    if kind not in KINDS:
        raise UserInputError("pipeline.unknown_kind", {"value": kind, "expected": ", ".join(KINDS)},
                             Location(parameter="KIND"))
    module = importlib.import_module(f"sobria.ingest.formats.{KINDS[kind]}")
    parse: Parser = module.parse
    return parse
