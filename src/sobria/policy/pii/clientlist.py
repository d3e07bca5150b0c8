"""The client list: names read from a CRM export (CSV, comma, semicolon or tab separated)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from sobria.errors import Location, UserInputError
from sobria.policy.pii.folding import fold
from sobria.policy.pii.textfile import read_utf8

NAME_COLUMNS = ("nom complet", "raison sociale", "nom", "name", "full name", "client", "société",
                "company", "entreprise")
"""Columns tried, in this order, when no name column is given (compared case/accent-insensitively)."""
FIRST_NAME_COLUMNS = ("prenom", "first name", "firstname")
LAST_NAME_COLUMNS = ("nom", "last name", "lastname", "nom de famille")


def load_client_names(path: Path, column: str | None = None) -> tuple[str, ...]:
    """The non-empty names of ``path``: from ``column`` if given; else 'prénom' and 'nom' joined
    when the export has both; else the first column of :data:`NAME_COLUMNS` it has."""
    content = read_utf8(path)
    return parse_client_names(content, column, source=str(path))


def parse_client_names(content: str, column: str | None = None, source: str = "-") -> tuple[str, ...]:
    """The names in CSV ``content`` (see :func:`load_client_names`)."""
    sample = content[:4096]
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(content), dialect)
    header = next(reader, None)
    if not header:
        raise UserInputError("pii.error.clients_empty", {"file": source}, Location(file=source))
    folded = [fold(h.strip()) for h in header]
    picks = _columns(folded, column, header, source)
    names = (" ".join(row[i].strip() for i in picks if i < len(row)).strip() for row in reader)
    return tuple(n for n in names if n)


def _columns(folded: list[str], column: str | None, header: list[str], source: str) -> list[int]:
    if column is not None:
        if fold(column) in folded:
            return [folded.index(fold(column))]
        raise UserInputError("pii.error.clients_no_column",
                             {"file": source, "column": column, "columns": ", ".join(header)},
                             Location(file=source, parameter="--clients-column"))
    first = next((folded.index(c) for c in FIRST_NAME_COLUMNS if c in folded), None)
    last = next((folded.index(c) for c in LAST_NAME_COLUMNS if c in folded), None)
    if first is not None and last is not None:
        return [first, last]
    for candidate in NAME_COLUMNS:
        if fold(candidate) in folded:
            return [folded.index(fold(candidate))]
    raise UserInputError("pii.error.clients_no_name_column", {"file": source, "columns": ", ".join(header)},
                         Location(file=source, parameter="--clients-column"))
