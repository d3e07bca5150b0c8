"""Shared reading for the format parsers: files, CSV and JSON, and typed columns with per-row errors.

Every parser reads its source into a table of *text* columns plus ``_line`` (the source line, or
the record number for JSON), then converts each column with :class:`TableReader`, which collects
one :class:`RowError` per bad value instead of failing the whole file. A file that cannot be read
at all raises :class:`UserInputError` naming the file (and the line or byte when known).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Iterator, Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any

import polars as pl

from sobria.errors import Location, UserInputError
from sobria.events.schema import EVENT_COLUMNS, conform
from sobria.ingest.line_bound import MAX_LINE_BYTES, check_line_lengths
from sobria.ingest.parsed import Parsed, RowError
from sobria.ingest.plain_csv import (
    LINE,
    FieldTooLongError,
    csv_header,
    data_lines,
    is_plain_csv,
    plain_csv_chunks,
    plain_csv_table,
)
from sobria.ingest.timestamps import iso_timestamps, parse_timestamp

Record = tuple[int, Mapping[str, Any]]
_TRUE = frozenset({"true", "1", "yes", "y", "oui", "vrai"})
_FALSE = frozenset({"false", "0", "no", "n", "non", "faux"})


def read_text(path: Path) -> str:
    """The file's text: UTF-8 (a BOM is allowed); missing, non-UTF-8 and empty files are user errors."""
    name = str(path)
    if not path.is_file():
        raise UserInputError("ingest.file_missing", {"file": name}, Location(file=name))
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise UserInputError("ingest.bad_encoding", {"file": name, "offset": err.start, "line": line},
                             Location(file=name, line=line)) from None
    if not text or text.isspace():  # as ``not text.strip()``, without copying the text
        raise UserInputError("ingest.empty_file", {"file": name}, Location(file=name))
    return text


JSON_SUFFIXES = (".json", ".jsonl", ".ndjson")


def starts_like_json(path: Path) -> bool:
    """True when the file is named as JSON (``.json``, ``.jsonl``, ``.ndjson``) or its first non-blank
    character (BOM skipped) opens a JSON object or array.

    A JSON file whose every line is bad is thus read as JSON (its per-line errors are reported),
    never as a CSV file missing its columns. Reads at most 64 KiB, never the whole file.
    """
    if path.suffix.lower() in JSON_SUFFIXES:
        return True
    if not path.is_file():
        read_text(path)  # raises the missing-file error
    with path.open("rb") as handle:
        head = handle.read(65536)
    return head.removeprefix(b"\xef\xbb\xbf").lstrip()[:1] in (b"{", b"[")


def read_csv_table(path: Path, max_line_bytes: int = MAX_LINE_BYTES) -> tuple[pl.DataFrame, list[RowError]]:
    """All columns as text plus ``_line`` (header = line 1); rows with a wrong field count are errors.

    Every CSV file Sobria reads goes through here (usage exports, training records, people files,
    questionnaires): a line longer than ``max_line_bytes`` is refused before the file is read whole.

    The separator is the most frequent of ``,``, ``;`` and tab in the header line (French
    spreadsheets write ``;``). Quoted fields may span lines: ``_line`` is where the row starts.
    A file without any quote character is read by :func:`~sobria.ingest.plain_csv.plain_csv_table`
    (vectorised, same result).
    """
    return csv_text_table(str(path), _csv_text(path, max_line_bytes))


def csv_text_table(name: str, text: str) -> tuple[pl.DataFrame, list[RowError]]:
    """:func:`read_csv_table` for a CSV text already read (not blank); ``name`` names it in errors."""
    delimiter = _delimiter(text)
    if is_plain_csv(text, _first_line(text), delimiter):
        plain = plain_csv_table(name, text, delimiter)
        if plain is not None:
            return plain
    return _quoted_csv_table(name, text, delimiter)


CsvRow = tuple[int, dict[str, str]]


def csv_rows(path: Path, max_line_bytes: int = MAX_LINE_BYTES) -> tuple[list[str], list[CsvRow], list[RowError]]:
    """A small CSV file (training records, people, a questionnaire) as ``(line, {column: text})``
    rows, read by :func:`read_csv_table`: the same separators, bounds and field-count check as
    every usage export, so that a row with a field too many or too few is an error naming its
    line and both counts, never columns shifted silently."""
    return csv_table_rows(*read_csv_table(path, max_line_bytes))


def csv_table_rows(table: pl.DataFrame, errors: list[RowError]) -> tuple[list[str], list[CsvRow], list[RowError]]:
    """:func:`csv_rows` of a table read by :func:`read_csv_table` or :func:`csv_text_table`."""
    header = [c for c in table.columns if c != LINE]
    rows = [(int(row[LINE]), {h: row[h] for h in header}) for row in table.iter_rows(named=True)]
    return header, rows, errors


def read_csv_chunks(path: Path, rows_per_chunk: int, max_line_bytes: int = MAX_LINE_BYTES,
                    ) -> tuple[int, Iterator[tuple[pl.DataFrame, list[RowError]]]]:
    """:func:`read_csv_table`'s table in chunks of about ``rows_per_chunk`` rows (a file with quotes
    in one), and the number of lines after the header (at least the rows to come)."""
    name, text = str(path), _csv_text(path, max_line_bytes)
    delimiter = _delimiter(text)
    if not is_plain_csv(text, _first_line(text), delimiter):
        table, errors = _quoted_csv_table(name, text, delimiter)
        return table.height + len(errors), iter([(table, errors)])
    return data_lines(text), _plain_chunks(name, text, delimiter, rows_per_chunk)


def _csv_text(path: Path, max_line_bytes: int) -> str:
    if path.is_file():
        check_line_lengths(path, max_line_bytes)
    return read_text(path)


def _plain_chunks(name: str, text: str, delimiter: str,
                  rows_per_chunk: int) -> Iterator[tuple[pl.DataFrame, list[RowError]]]:
    try:
        yield from plain_csv_chunks(name, text, delimiter, rows_per_chunk)
    except FieldTooLongError:
        _quoted_csv_table(name, text, delimiter)  # the csv module refuses the file: raises UserInputError
        raise


def _first_line(text: str) -> str:
    end = text.find("\n")
    return text if end < 0 else text[:end]


def _delimiter(text: str) -> str:
    first = _first_line(text)
    return max((",", ";", "\t"), key=first.count)


def _quoted_csv_table(name: str, text: str, delimiter: str) -> tuple[pl.DataFrame, list[RowError]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows: list[list[str]] = []
    lines: list[int] = []
    errors: list[RowError] = []
    try:
        header = csv_header(name, next(reader))
        while True:
            start = reader.line_num + 1
            row = next(reader, None)
            if row is None:
                break
            if not row or (len(row) == 1 and not row[0].strip()):
                continue
            if len(row) != len(header):
                errors.append(RowError(name, start, None, "ingest.bad_field_count",
                                       {"expected": len(header), "found": len(row)}))
                continue
            rows.append(row)
            lines.append(start)
    except csv.Error as err:
        raise UserInputError("ingest.csv_malformed", {"reason": str(err)},
                             Location(file=name, line=reader.line_num)) from None
    data: dict[str, list[Any]] = {h: [row[i] for row in rows] for i, h in enumerate(header)}
    table = pl.DataFrame(data, schema={h: pl.Utf8() for h in header}).with_columns(
        pl.Series(LINE, lines, dtype=pl.Int64()))
    return table, errors


INT64_LIMIT = 2**63           # integers stored as Int64: larger is an error, not a silent wrap


def as_dict(value: Any) -> dict[str, Any]:
    """A JSON value expected to be an object: anything else reads as empty (never a crash)."""
    return value if isinstance(value, dict) else {}


def as_list(value: Any) -> list[Any]:
    """A JSON value expected to be an array: anything else reads as empty (never a crash)."""
    return value if isinstance(value, list) else []


def _as_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return json.dumps(value, ensure_ascii=False, default=str)


def table_from_records(records: list[Record], columns: list[str]) -> pl.DataFrame:
    """A text table from JSON records (nested values as JSON text), like :func:`read_csv_table`."""
    data: dict[str, list[Any]] = {c: [_as_text(rec.get(c)) for _, rec in records] for c in columns}
    data[LINE] = [line for line, _ in records]
    return pl.DataFrame(data, schema={**{c: pl.Utf8() for c in columns}, LINE: pl.Int64()})


def stable_id(*parts: object) -> str:
    """A stable event id from the identity of an aggregated row (same input, same id)."""
    joined = "\x1f".join("" if p is None else str(p) for p in parts)
    return hashlib.sha256(joined.encode("utf-8")).hexdigest()[:32]


class TableReader:
    """Converts the text columns of one source table, one row error per bad value."""

    def __init__(self, file: str, table: pl.DataFrame, errors: list[RowError] | None = None) -> None:
        self.file = file
        self.table = table
        self.lines: pl.Series = table[LINE]
        self.errors: list[RowError] = list(errors or [])
        self._bad: set[int] = set()

    def has(self, column: str) -> bool:
        return column in self.table.columns

    def require(self, *columns: str) -> None:
        """Raise for the first absent column, naming the file and the columns found."""
        for column in columns:
            if column not in self.table.columns:
                if len(self.errors) == 1 and self.table.height == 0:  # the one line's own error, first
                    raise self.errors[0].as_error()
                if self.errors and self.table.height == 0:  # no row could be read: say why, line by line
                    raise UserInputError("ingest.no_readable_row", {"count": len(self.errors)},
                                         Location(file=self.file, line=self.errors[0].line),
                                         details=tuple(e.as_error() for e in self.errors))
                found = ", ".join(c for c in self.table.columns if c != LINE)
                raise UserInputError("ingest.missing_column", {"column": column, "found": found},
                                     Location(file=self.file, field=column))

    def fail(self, index: int, field: str | None, key: str, **params: Any) -> None:
        """Record an error on row ``index``: the row is left out of the result."""
        self._bad.add(index)
        self.errors.append(RowError(self.file, int(self.lines[index]), field, key, params))

    def text(self, column: str, *, required: bool = False) -> pl.Series:
        """Stripped text, empty as null; a missing required value is an error."""
        if column not in self.table.columns:
            values = pl.Series(column, [None] * self.table.height, dtype=pl.Utf8())
        else:
            stripped = self.table[column].str.strip_chars()
            values = pl.select(pl.when(stripped == "").then(None).otherwise(stripped)).to_series().alias(column)
        if required:
            for i in values.is_null().arg_true().to_list():
                self.fail(i, column, "ingest.missing_value")
        return values

    def integer(self, column: str, *, required: bool = False) -> pl.Series:
        """A non-negative integer (``12`` or ``12.0``); anything else is an error."""
        raw = self.text(column, required=required)
        num = raw.cast(pl.Float64(), strict=False)
        integral = (num.is_finite() & (num == num.floor())).fill_null(False)
        for i in (raw.is_not_null() & ~integral).arg_true().to_list():
            self.fail(i, column, "ingest.not_integer", value=raw[i])
        for i in (integral & (num < 0)).arg_true().to_list():
            self.fail(i, column, "ingest.negative", value=raw[i])
        too_large = integral & (num >= INT64_LIMIT)
        for i in too_large.arg_true().to_list():
            self.fail(i, column, "ingest.too_large", value=raw[i])
        integral = integral & ~too_large
        return pl.select(pl.when(integral).then(num).otherwise(None)).to_series().cast(pl.Int64()).alias(column)

    def number(self, column: str, *, required: bool = False, decimal_comma: bool = False,
               upper: float | None = None) -> pl.Series:
        """A non-negative decimal number (``2,5`` too when ``decimal_comma``), at most ``upper``."""
        raw = self.text(column, required=required)
        source = raw.str.replace(",", ".", literal=True) if decimal_comma else raw
        num = source.cast(pl.Float64(), strict=False)
        finite = num.is_finite().fill_null(False)
        for i in (raw.is_not_null() & ~finite).arg_true().to_list():
            self.fail(i, column, "ingest.not_number", value=raw[i])
        for i in (finite & (num < 0)).arg_true().to_list():
            self.fail(i, column, "ingest.negative", value=raw[i])
        if upper is not None:
            too_large = finite & (num > upper)
            for i in too_large.arg_true().to_list():
                self.fail(i, column, "ingest.above_limit", value=raw[i], limit=upper)
            finite = finite & ~too_large
        return pl.select(pl.when(finite).then(num).otherwise(None)).to_series().alias(column)

    def timestamp(self, column: str, *, required: bool = True, epoch: bool = False) -> pl.Series:
        """A UTC timestamp from ISO 8601 (or epoch seconds when ``epoch``).

        Values of the usual ISO shape are converted by :func:`iso_timestamps` (vectorised); any
        other value by :func:`parse_timestamp`, which decides whether it is valid.
        """
        raw = self.text(column, required=required)
        dtype = pl.Datetime("us", "UTC")
        fast = pl.Series(column, [None] * raw.len(), dtype=dtype) if epoch else iso_timestamps(raw)
        slow = (raw.is_not_null() & fast.is_null()).arg_true().to_list()
        if not slow:
            return fast
        parsed: list[datetime | None] = []
        for i, text in zip(slow, raw.gather(slow).to_list(), strict=True):
            parsed.append(parse_timestamp(text, epoch=epoch))
            if parsed[-1] is None:
                self.fail(i, column, "ingest.bad_timestamp", value=text)
        return fast.clone().scatter(slow, pl.Series(parsed, dtype=dtype))

    def boolean(self, column: str) -> pl.Series:
        raw = self.text(column)
        word = raw.str.to_lowercase()
        true, false = word.is_in(sorted(_TRUE)), word.is_in(sorted(_FALSE))
        for i in (raw.is_not_null() & ~true & ~false).arg_true().to_list():
            self.fail(i, column, "ingest.bad_boolean", value=raw[i])
        return pl.select(pl.when(true).then(True).when(false).then(False).otherwise(None)).to_series().alias(column)

    def skip(self, index: int) -> None:
        """Leave row ``index`` out without an error (an empty bucket, a row with no usage)."""
        self._bad.add(index)

    def result(self, columns: Mapping[str, pl.Series | Any], rows: list[int] | None = None) -> Parsed:
        """The canonical frame (``_line`` and ``_``-prefixed extras kept) without the failed rows.

        ``rows`` maps each output row to its source row when a parser expands a source row into
        several (one per model, say); by default output row ``i`` is source row ``i``.
        """
        index = pl.int_range(self.table.height, eager=True) if rows is None else pl.Series(rows, dtype=pl.Int64())
        data = [value.alias(name) if isinstance(value, pl.Series)
                else pl.repeat(value, len(index), eager=True).alias(name) for name, value in columns.items()]
        frame = pl.DataFrame(data, height=len(index)).with_columns(self.table[LINE].gather(index).alias(LINE))
        frame = frame.filter(~index.is_in(sorted(self._bad)))
        extras = [c for c in frame.columns if c.startswith("_") and c != LINE]
        missing = [c.name for c in EVENT_COLUMNS if c.name not in frame.columns]
        frame = frame.with_columns(pl.lit(None).alias(name) for name in missing)  # keeps the height
        canonical = conform(frame).with_columns(frame[LINE], *(frame[c] for c in extras))
        errors = sorted(self.errors, key=lambda e: (e.line, e.field or ""))
        return Parsed(canonical, errors)
