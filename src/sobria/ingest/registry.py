"""The import kinds and the parser module of each (imported only when used)."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path

from sobria.errors import Location, UserInputError
from sobria.ingest.parsed import Parsed, ParsedChunks, ParseOptions

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
ChunkParser = Callable[[Path, ParseOptions, int], ParsedChunks]


def parser_for(kind: str) -> Parser:
    if kind not in KINDS:
        raise UserInputError("pipeline.unknown_kind", {"value": kind, "expected": ", ".join(KINDS)},
                             Location(parameter="KIND"))
    module = importlib.import_module(f"sobria.ingest.formats.{KINDS[kind]}")
    parse: Parser = module.parse
    return parse


def chunk_parser_for(kind: str) -> ChunkParser:
    """The kind's ``parse_chunks``, or its ``parse`` giving the whole file as one chunk."""
    parse = parser_for(kind)
    chunked: ChunkParser | None = getattr(importlib.import_module(parse.__module__), "parse_chunks", None)
    if chunked is not None:
        return chunked

    def whole(path: Path, options: ParseOptions, _rows_per_chunk: int) -> ParsedChunks:
        parsed = parse(path, options)
        return ParsedChunks(parsed.frame.height + len(parsed.errors), iter([parsed]))

    return whole
