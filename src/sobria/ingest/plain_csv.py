"""CSV files without quote characters, read vectorised with exactly the csv module's result.

Without a quote character no field spans lines, so every line is one record split on the
separator: :func:`sobria.ingest.reading.read_csv_table` reads such files here (Polars), with the
same table (text columns plus ``_line``), the same row errors and the same file errors as its
row-by-row reader, which it keeps for every other file.
"""

from __future__ import annotations

import csv

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


def plain_csv_table(name: str, text: str, delimiter: str) -> tuple[pl.DataFrame, list[RowError]] | None:
    """:func:`read_csv_table` for a text where :func:`is_plain_csv` holds, vectorised.

    Returns None when a field is longer than the csv module's limit (the exact reader reports it).
    """
    end = text.find("\n")
    header = csv_header(name, (text if end < 0 else text[:end]).removesuffix("\r").split(delimiter))
    regular = _regular_csv_table(text, header, delimiter)
    table, errors = (regular, []) if regular is not None else _split_csv_table(name, text, header, delimiter)
    return None if _longest_field(table, header) > csv.field_size_limit() else (table, errors)


def _longest_field(table: pl.DataFrame, header: list[str]) -> int:
    """Characters in the longest field (bytes first: cheaper, and an upper bound)."""
    if table.height == 0:
        return 0
    size: int = table.select(pl.max_horizontal(pl.col(header).str.len_bytes().max())).item()
    if size <= csv.field_size_limit():
        return size
    longest: int = table.select(pl.max_horizontal(pl.col(header).str.len_chars().max())).item()
    return longest


def _regular_csv_table(text: str, header: list[str], delimiter: str) -> pl.DataFrame | None:
    """The table by ``polars.read_csv`` when every line after the header holds one row (no blank line).

    Polars refuses a line with more fields than the header; if none has more and the file has
    exactly ``len(header) - 1`` separators per line, every line has exactly that many. Then row
    ``i`` is line ``i + 2``. Otherwise None.
    """
    lines = text.count("\n") + (0 if text.endswith("\n") else 1)
    if lines < 2 or text.count(delimiter) != (len(header) - 1) * lines:
        return None
    try:
        table = pl.read_csv(text.encode(), has_header=False, skip_lines=1, new_columns=header, separator=delimiter,
                            quote_char=None, infer_schema=False, empty_string_is_null=False,
                            truncate_ragged_lines=False, raise_if_empty=True)
    except pl.exceptions.PolarsError:
        return None
    if table.height != lines - 1 or table.columns != header:
        return None
    return table.with_columns(pl.int_range(2, pl.len() + 2, dtype=pl.Int64()).alias(LINE))


def _split_csv_table(name: str, text: str, header: list[str], delimiter: str) -> tuple[pl.DataFrame, list[RowError]]:
    """Line by line (vectorised): line = piece + 1; blank lines skipped, wrong field counts reported."""
    pieces = pl.Series("piece", [text]).str.split("\n").explode()
    if "\r" in text:
        pieces = pieces.str.strip_suffix("\r")
    body = pl.DataFrame({"piece": pieces.slice(1)}).with_columns(
        pl.int_range(2, pl.len() + 2, dtype=pl.Int64()).alias(LINE),
        (pl.col("piece").str.count_matches(delimiter, literal=True) + 1).alias("_found"))
    del pieces
    errors: list[RowError] = []
    odd = body.filter(pl.col("_found") != len(header)).select(LINE, "_found", "piece")
    for line, found, piece in odd.iter_rows():
        if found == 1 and not piece.strip():  # a blank line, skipped as the csv module does
            continue
        errors.append(RowError(name, line, None, "ingest.bad_field_count", {"expected": len(header), "found": found}))
    good = body.filter(pl.col("_found") == len(header))
    del body
    fields = good["piece"].str.split_exact(delimiter, len(header) - 1).struct.rename_fields(header)
    return fields.struct.unnest().with_columns(good[LINE]), errors
