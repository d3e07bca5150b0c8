"""JSON from files people give: untrusted text decoded with bounds, errors naming the file and line.

Deep nesting, ``NaN``/``Infinity``, numbers that overflow a float and integers too long for Int64
are decoding errors; a JSON Lines record is bounded in length; a bad line is a row error.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from sobria.errors import Location, UserInputError
from sobria.ingest.line_bound import MAX_LINE_BYTES
from sobria.ingest.parsed import RowError
from sobria.ingest.reading import Record, read_text


def decode_json(text: str) -> Any:
    """``json.loads`` for untrusted text: nesting past Python's stack, ``NaN``/``Infinity``, numbers
    that overflow a float (``1e999``) and integers of thousands of digits are decoding errors."""
    try:
        return json.loads(text, parse_constant=_no_constant, parse_float=_finite_float, parse_int=_bounded_int)
    except RecursionError:
        raise json.JSONDecodeError("nested too deeply", text, 0) from None


def _no_constant(name: str) -> Any:
    raise json.JSONDecodeError(f"{name} is not a number", name, 0)


def _finite_float(raw: str) -> float:
    value = float(raw)
    if not math.isfinite(value):
        raise json.JSONDecodeError(f"{raw[:20]} is not a finite number", raw, 0)
    return value


def _bounded_int(raw: str) -> int | float:
    """An integer; one too long for Int64 stays a (finite) float, so it is reported as too large."""
    if len(raw.lstrip("-")) <= 19:
        return int(raw)
    return _finite_float(raw)


def parse_json(text: str, name: str) -> Any:
    """Decode a whole JSON document; invalid or truncated JSON names the file, line and column."""
    try:
        return decode_json(text)
    except json.JSONDecodeError as err:
        truncated = err.pos >= len(text.rstrip()) or err.msg.startswith("Unterminated string")
        raise UserInputError("ingest.truncated_json" if truncated else "ingest.bad_json",
                             {"line": err.lineno, "column": err.colno, "reason": err.msg},
                             Location(file=name, line=err.lineno)) from None


def load_json(path: Path) -> Any:
    return parse_json(read_text(path), str(path))


def json_lines(text: str, name: str, max_line_bytes: int = MAX_LINE_BYTES) -> tuple[list[Record], list[RowError]]:
    """JSON Lines: one object per line; a bad line is a row error (a truncated last line included),
    a line longer than ``max_line_bytes`` too."""
    records: list[Record] = []
    errors: list[RowError] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        if len(line) > max_line_bytes or (4 * len(line) > max_line_bytes and len(line.encode()) > max_line_bytes):
            errors.append(RowError(name, number, None, "ingest.line_too_long", {"limit": max_line_bytes}))
            continue
        try:
            value = decode_json(line)
        except json.JSONDecodeError as err:
            errors.append(RowError(name, number, None, "ingest.bad_json_line", {"reason": err.msg}))
            continue
        if not isinstance(value, dict):
            errors.append(RowError(name, number, None, "ingest.not_an_object", {}))
            continue
        records.append((number, value))
    return records, errors


def json_records(text: str, name: str, max_line_bytes: int = MAX_LINE_BYTES) -> tuple[list[Record], list[RowError]]:
    """Row objects from a JSON array (record number = position) or from JSON Lines (line number)."""
    if not text.lstrip().startswith("["):
        return json_lines(text, name, max_line_bytes)
    records: list[Record] = []
    errors: list[RowError] = []
    for number, value in enumerate(parse_json(text, name), start=1):
        if isinstance(value, dict):
            records.append((number, value))
        else:
            errors.append(RowError(name, number, None, "ingest.not_an_object", {}))
    return records, errors


def json_documents(path: Path, max_line_bytes: int = MAX_LINE_BYTES) -> tuple[list[Record], list[RowError]]:
    """One JSON document, or JSON Lines (as OTLP file exporters write): ``(line, document)`` pairs."""
    name, text = str(path), read_text(path)
    try:
        whole = decode_json(text)
    except json.JSONDecodeError as err:
        if err.msg != "Extra data":
            parse_json(text, name)  # raises with the file, line and column
        return json_lines(text, name, max_line_bytes)
    if not isinstance(whole, dict):
        raise UserInputError("ingest.bad_structure", {"expected": "{...}"}, Location(file=name))
    return [(1, whole)], []
