"""The people file: who belongs to which team (CSV: identifier, team[, role, display_name])."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from sobria.errors import Location, UserInputError

REQUIRED = ("identifier", "team")


@dataclass(frozen=True)
class PersonEntry:
    identifier: str
    team: str
    role: str | None
    display_name: str | None


def read_people(path: Path) -> dict[str, PersonEntry]:
    """People keyed by normalised identifier; every bad line is reported with its number."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise UserInputError("pipeline.file_missing", {"path": str(path)}, Location(file=str(path))) from None
    except UnicodeDecodeError as exc:
        raise UserInputError("pipeline.people_encoding", {"offset": exc.start},
                             Location(file=str(path))) from None
    reader = csv.DictReader(text.splitlines())
    header = [h.strip() for h in (reader.fieldnames or [])]
    for column in REQUIRED:
        if column not in header:
            raise UserInputError("pipeline.people_missing_column", {"column": column, "found": ", ".join(header)},
                                 Location(file=str(path), line=1, field=column))
    entries: dict[str, PersonEntry] = {}
    for line, row in enumerate(reader, start=2):
        clean = {k.strip(): (v or "").strip() for k, v in row.items() if k is not None}
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
