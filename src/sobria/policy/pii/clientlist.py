"""The client list: names read from a CRM export (CSV, comma, semicolon or tab separated)."""

from __future__ import annotations

from pathlib import Path

from sobria.errors import Location, UserInputError
from sobria.ingest.reading import csv_table_rows, csv_text_table
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
    """The names in CSV ``content`` (see :func:`load_client_names`).

    Read by the shared CSV reader (:func:`sobria.ingest.reading.csv_text_table`): the separator is
    the header's most frequent of ``,`` ``;`` tab, and a row with a field too many or too few (an
    unquoted comma in a name) is an error naming its line, never names shifted between columns.
    """
    if not content.strip():
        raise UserInputError("pii.error.clients_empty", {"file": source}, Location(file=source))
    header, rows, errors = csv_table_rows(*csv_text_table(source, content))
    if errors:
        first = errors[0].as_error()
        raise UserInputError(first.key, first.params, first.where, tuple(e.as_error() for e in errors[1:]))
    folded = [fold(h) for h in header]
    picks = [header[i] for i in _columns(folded, column, header, source)]
    names = (" ".join(row[c].strip() for c in picks).strip() for _, row in rows)
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
