"""The people file: who belongs to which team (CSV: identifier, team[, role, display_name])."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sobria.errors import Location, UserInputError
from sobria.ingest.reading import csv_rows

REQUIRED = ("identifier", "team")


@dataclass(frozen=True)
class PersonEntry:
    identifier: str
    team: str
    role: str | None
    display_name: str | None


def read_people(path: Path) -> dict[str, PersonEntry]:
    """People keyed by normalised identifier; the first bad line is reported with its number
    (a line with a field too many or too few included: the shared CSV reader checks the counts)."""
    header, rows, row_errors = csv_rows(path)
    for column in REQUIRED:
        if column not in header:
            raise UserInputError("pipeline.people_missing_column", {"column": column, "found": ", ".join(header)},
                                 Location(file=str(path), line=1, field=column))
    if row_errors:
        raise row_errors[0].as_error()
    entries: dict[str, PersonEntry] = {}
    for line, row in rows:
        clean = {k: v.strip() for k, v in row.items()}
        ident, team = clean.get("identifier", ""), clean.get("team", "")
        if not ident or not team:
            field = "identifier" if not ident else "team"
            raise UserInputError("pipeline.people_empty", {}, Location(file=str(path), line=line, field=field))
        key = ident.lower()
        if key in entries:
            raise UserInputError("pipeline.people_duplicate", {"identifier": ident},
                                 Location(file=str(path), line=line, field="identifier"))
        entries[key] = PersonEntry(ident, team, clean.get("role") or None, clean.get("display_name") or None)
    return entries
