"""``events``: the canonical format itself, as CSV, JSON Lines (or a JSON array) or Parquet.

Column names are the schema's names; a ``prompt`` column is read as ``prompt_text``. ``ts``,
``model`` and ``operation`` are required; ``tier`` defaults to ``measured`` (one row is one
request as the writing tool saw it), ``request_count`` to 1 and ``source`` to ``events:<file>``.
Unknown columns are ignored. Checking that values are allowed (operation, tier) is the pipeline's.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import polars as pl

from sobria.errors import Location, UserInputError
from sobria.events.schema import EVENT_COLUMNS
from sobria.ingest.json_input import json_records
from sobria.ingest.parsed import Parsed, ParsedChunks, ParseOptions, RowError
from sobria.ingest.reading import Record, TableReader, read_csv_chunks, read_csv_table, read_text, table_from_records

KIND = "events"
REQUIRED = ("ts", "model", "operation")
DEFAULTS: dict[str, Any] = {"tier": "measured", "request_count": 1}
_JSON_SUFFIXES = (".jsonl", ".ndjson", ".json")


def parse(path: Path, options: ParseOptions) -> Parsed:
    table, errors = _table(path, options.max_line_bytes)
    return _parsed(path, table, errors, options)


def parse_chunks(path: Path, options: ParseOptions, rows_per_chunk: int) -> ParsedChunks:
    """:func:`parse` chunk by chunk: a CSV file without quotes in chunks of about ``rows_per_chunk``
    rows (read as each is needed), any other file in one."""
    if path.suffix.lower() == ".csv":
        lines, tables = read_csv_chunks(path, rows_per_chunk, options.max_line_bytes)
        return ParsedChunks(lines, (_parsed(path, table, errors, options) for table, errors in tables))
    parsed = parse(path, options)
    return ParsedChunks(parsed.frame.height + len(parsed.errors), iter([parsed]))


def _parsed(path: Path, table: pl.DataFrame, errors: list[RowError], options: ParseOptions) -> Parsed:
    if "prompt" in table.columns and "prompt_text" not in table.columns:
        table = table.rename({"prompt": "prompt_text"})
    reader = TableReader(str(path), table, errors)
    reader.require(*REQUIRED)
    present = [c for c in EVENT_COLUMNS if reader.has(c.name)]
    # Polars releases the GIL: two threads convert the columns side by side (the timestamps, the
    # slowest, first); the reader's error list is only appended to.
    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="sobria-convert") as pool:
        converted = pool.map(lambda c: _convert(reader, c.name, c.dtype, required=c.name in REQUIRED),
                             sorted(present, key=lambda c: not isinstance(c.dtype, pl.Datetime)))
        columns: dict[str, Any] = {s.name: s for s in converted}
    columns = {c.name: columns[c.name].fill_null(DEFAULTS[c.name]) if c.name in DEFAULTS else columns[c.name]
               for c in present}
    for name, default in DEFAULTS.items():
        columns.setdefault(name, default)
    columns["source"] = columns["source"].fill_null(f"{KIND}:{path.name}") if "source" in columns \
        else f"{KIND}:{path.name}"
    if options.tool is not None:
        columns["tool"] = columns["tool"].fill_null(options.tool) if "tool" in columns else options.tool
    return reader.result(columns)


def _convert(reader: TableReader, name: str, dtype: pl.DataType, *, required: bool) -> pl.Series:
    if dtype == pl.Int64():
        return reader.integer(name, required=required)
    if dtype == pl.Float64():
        return reader.number(name, required=required)
    if dtype == pl.Boolean():
        return reader.boolean(name)
    if isinstance(dtype, pl.Datetime):
        return reader.timestamp(name, required=required)
    return reader.text(name, required=required)


def _table(path: Path, max_line_bytes: int) -> tuple[pl.DataFrame, list[RowError]]:
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return read_csv_table(path, max_line_bytes)
    if suffix in _JSON_SUFFIXES:
        return _json_table(path, max_line_bytes)
    if suffix == ".parquet":
        return _parquet_table(path), []
    raise UserInputError("ingest.unknown_format", {"suffix": suffix or "-", "expected": ".csv, .jsonl, .parquet"},
                         Location(file=str(path)))


def _json_table(path: Path, max_line_bytes: int) -> tuple[pl.DataFrame, list[RowError]]:
    records, errors = json_records(read_text(path), str(path), max_line_bytes)
    return table_from_records(records, _keys(records)), errors


def _parquet_table(path: Path) -> pl.DataFrame:
    name = str(path)
    if not path.is_file():
        raise UserInputError("ingest.file_missing", {"file": name}, Location(file=name))
    try:
        frame = pl.read_parquet(path)
    except (pl.exceptions.ComputeError, OSError) as err:
        raise UserInputError("ingest.bad_parquet", {"reason": str(err).splitlines()[0]},
                             Location(file=name)) from None
    records: list[Record] = [(i, row) for i, row in enumerate(frame.to_dicts(), start=1)]
    return table_from_records(records, frame.columns)


def _keys(records: list[Record]) -> list[str]:
    keys: dict[str, None] = {}
    for _, record in records:
        keys.update(dict.fromkeys(record))
    return list(keys)
