"""CSV files without quote characters, read vectorised with exactly the csv module's result.

Without a quote character no field spans lines, so every line is one record split on the
separator: :func:`sobria.ingest.reading.read_csv_table` reads such files here (Polars), with the
same table (text columns plus ``_line``), the same row errors and the same file errors as its
row-by-row reader, which it keeps for every other file.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator

import numpy as np
import polars as pl

from sobria.errors import Location, UserInputError
from sobria.ingest.parsed import RowError

LINE = "_line"


def csv_header(name: str, fields: list[str]) -> list[str]:
    """Column names from the header fields, stripped; duplicates are refused."""
    # a spreadsheet may add empty trailing columns (";;;"): name them so they are not duplicates
    header = [h.strip() or f"_empty_{i}" for i, h in enumerate(fields)]
    duplicates = sorted({h for h in header if header.count(h) > 1})
    if duplicates:
        raise UserInputError("ingest.duplicate_column", {"column": duplicates[0]},
                             Location(file=name, line=1, field=duplicates[0]))
    return header


def is_plain_csv(text: str, first: str, delimiter: str) -> bool:
    """True when every line of ``text`` is one record split on ``delimiter`` alone, as the csv module reads it.

    That holds without quote characters, NUL characters and lone carriage returns, when the header
    line is not blank and has more than one field.
    """
    if '"' in text or "\x00" in text or delimiter not in first or not first.strip():
        return False
    return "\r" not in text or text.count("\r") == text.count("\r\n")


class FieldTooLongError(Exception):
    """A field is longer than the csv module's limit: the exact reader must read (and refuse) the file."""


def plain_csv_table(name: str, text: str, delimiter: str) -> tuple[pl.DataFrame, list[RowError]] | None:
    """:func:`read_csv_table` for a text where :func:`is_plain_csv` holds, vectorised.

    Returns None when a field is longer than the csv module's limit (the exact reader reports it).
    """
    try:
        return next(plain_csv_chunks(name, text, delimiter, rows_per_chunk=None))  # one chunk: the whole text
    except FieldTooLongError:
        return None


def data_lines(text: str) -> int:
    """Lines after the header line (a last line without a line break counts)."""
    end = text.find("\n")
    if end < 0:
        return 0
    return text.count("\n", end + 1) + (0 if text.endswith("\n") else 1)


def plain_csv_chunks(name: str, text: str, delimiter: str,
                     rows_per_chunk: int | None) -> Iterator[tuple[pl.DataFrame, list[RowError]]]:
    """The tables of about ``rows_per_chunk`` lines each (all in one when None) that together make
    :func:`plain_csv_table`'s table: same rows, same ``_line`` numbers, same errors.

    Raises :class:`FieldTooLongError` (when the chunk holding such a field is read).
    """
    end = text.find("\n")
    header = csv_header(name, (text if end < 0 else text[:end]).removesuffix("\r").split(delimiter))
    body_start = len(text) if end < 0 else end + 1
    first_line = 2
    for start, stop in _pieces(text, body_start, rows_per_chunk):
        body = text[start:stop]
        data = body.encode()
        newlines = _count(data, "\n")
        regular = _regular_body(body, data, newlines, header, delimiter, first_line)
        table, errors = (regular, []) if regular is not None else _split_body(name, body, header, delimiter,
                                                                               first_line)
        if _longest_field(table, header) > csv.field_size_limit():
            raise FieldTooLongError(name)
        yield table, errors
        first_line += newlines


def _count(data: bytes, char: str) -> int:
    """How many times the ASCII character ``char`` is in the UTF-8 ``data`` (a byte below 128 is
    never part of a longer character): vectorised, several times faster than ``str.count``."""
    return int(np.count_nonzero(np.frombuffer(data, dtype=np.uint8) == ord(char)))


def _pieces(text: str, start: int, rows_per_chunk: int | None) -> Iterator[tuple[int, int]]:
    """(start, stop) offsets cutting ``text[start:]`` at line breaks into pieces of about that many lines."""
    lines = text.count("\n", start) + 1
    if rows_per_chunk is None or lines <= rows_per_chunk:
        yield start, len(text)
        return
    step = max(1, (len(text) - start) * rows_per_chunk // lines)  # characters per piece, about
    while start < len(text):
        cut = text.find("\n", min(start + step, len(text)) - 1)
        stop = len(text) if cut < 0 else cut + 1
        yield start, stop
        start = stop


def _longest_field(table: pl.DataFrame, header: list[str]) -> int:
    """Characters in the longest field (bytes first: cheaper, and an upper bound)."""
    if table.height == 0:
        return 0
    size: int = table.select(pl.max_horizontal(pl.col(header).str.len_bytes().max())).item()
    if size <= csv.field_size_limit():
        return size
    longest: int = table.select(pl.max_horizontal(pl.col(header).str.len_chars().max())).item()
    return longest


def _regular_body(body: str, data: bytes, newlines: int, header: list[str], delimiter: str,
                  first_line: int) -> pl.DataFrame | None:
    """The table by ``polars.read_csv`` when every line of ``body`` holds one row (no blank line).

    ``data`` is ``body`` in UTF-8, ``newlines`` its line breaks. Polars refuses a line with more
    fields than the header; if none has more and the body has exactly ``len(header) - 1``
    separators per line, every line has exactly that many. Then row ``i`` is line
    ``first_line + i``. Otherwise None.
    """
    lines = newlines + (0 if body.endswith("\n") else 1)
    if not body or _count(data, delimiter) != (len(header) - 1) * lines:
        return None
    try:
        table = pl.read_csv(data, has_header=False, new_columns=header, separator=delimiter,
                            quote_char=None, infer_schema=False, empty_string_is_null=False,
                            truncate_ragged_lines=False, raise_if_empty=True)
    except pl.exceptions.PolarsError:
        return None
    if table.height != lines or table.columns != header:
        return None
    return table.with_columns(pl.int_range(first_line, pl.len() + first_line, dtype=pl.Int64()).alias(LINE))


def _split_body(name: str, body: str, header: list[str], delimiter: str,
                first_line: int) -> tuple[pl.DataFrame, list[RowError]]:
    """Line by line (vectorised): blank lines skipped, wrong field counts reported."""
    pieces = pl.Series("piece", [body]).str.split("\n").explode()
    if "\r" in body:
        pieces = pieces.str.strip_suffix("\r")
    lines = pl.DataFrame({"piece": pieces}).with_columns(
        pl.int_range(first_line, pl.len() + first_line, dtype=pl.Int64()).alias(LINE),
        (pl.col("piece").str.count_matches(delimiter, literal=True) + 1).alias("_found"))
    del pieces
    errors: list[RowError] = []
    odd = lines.filter(pl.col("_found") != len(header)).select(LINE, "_found", "piece")
    for line, found, piece in odd.iter_rows():
        if found == 1 and not piece.strip():  # a blank line, skipped as the csv module does
            continue
        errors.append(RowError(name, line, None, "ingest.bad_field_count", {"expected": len(header), "found": found}))
    good = lines.filter(pl.col("_found") == len(header))
    del lines
    fields = good["piece"].str.split_exact(delimiter, len(header) - 1).struct.rename_fields(header)
    return fields.struct.unnest().with_columns(good[LINE]), errors
