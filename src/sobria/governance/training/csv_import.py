"""Reading a training attendance file (CSV) into records, every bad line reported with its number.

Columns: ``identifier, module, date, status`` and optionally ``session, team, role``. The
identifier (an e-mail, an employee number) is pseudonymised at once with the store's secret; it
is never stored. Dates are ``AAAA-MM-JJ`` or ``JJ/MM/AAAA``; status is ``completed`` (module
completed, validated) or ``attended`` (present at a session, not yet validated).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from sobria.errors import Location, UserInputError
from sobria.governance.training.coverage import STATUSES, Status, TrainingModule, TrainingRecord
from sobria.governance.training.store import NewPerson
from sobria.ingest.pseudonym import pseudonym
from sobria.ingest.reading import csv_rows

REQUIRED_COLUMNS = ("identifier", "module", "date", "status")
OPTIONAL_COLUMNS = ("session", "team", "role")


@dataclass(frozen=True)
class TrainingFile:
    records: tuple[TrainingRecord, ...]
    persons: tuple[NewPerson, ...]


def parse_day(raw: str) -> dt.date | None:
    """``AAAA-MM-JJ`` or ``JJ/MM/AAAA``; None when neither."""
    text = raw.strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def check_record_fields(module: str, day: dt.date | None, raw_day: str, status: str,
                        modules: Mapping[str, TrainingModule], today: dt.date,
                        where: Location) -> list[UserInputError]:
    """The problems of one record's module, date and status (each with its field)."""
    errors: list[UserInputError] = []

    def at(name: str) -> Location:
        return Location(where.file, where.line, name, where.parameter)

    if module not in modules:
        errors.append(UserInputError("gov.training.unknown_module",
                                     {"module": module, "known": ", ".join(modules)}, at("module")))
    if day is None:
        errors.append(UserInputError("gov.training.bad_date", {"value": raw_day}, at("date")))
    elif day > today:
        errors.append(UserInputError("gov.training.future_date", {"value": raw_day}, at("date")))
    if status not in STATUSES:
        errors.append(UserInputError("gov.training.bad_status", {"value": status,
                                                                 "expected": ", ".join(STATUSES)}, at("status")))
    return errors


def read_training_file(path: Path, secret: bytes, modules: Mapping[str, TrainingModule],
                       today: dt.date) -> TrainingFile:
    """All records of ``path``, or a :class:`UserInputError` listing every bad line (nothing kept).

    The file is read by the shared CSV reader: a line with more or fewer fields than the header is
    an error naming its line and both counts.
    """
    name = str(path)
    header, rows, row_errors = csv_rows(path)
    for column in REQUIRED_COLUMNS:
        if column not in header:
            raise UserInputError("gov.training.missing_column", {"column": column, "found": ", ".join(header)},
                                 Location(file=name, line=1, field=column))
    records: dict[tuple[str, str, dt.date], TrainingRecord] = {}
    persons: dict[str, NewPerson] = {}
    errors = [e.as_error() for e in row_errors]
    for line, row in rows:
        clean = {k: v.strip() for k, v in row.items()}
        where = Location(file=name, line=line)
        ident = clean.get("identifier", "")
        if not ident:
            errors.append(UserInputError("gov.training.empty", {}, Location(name, line, "identifier")))
            continue
        raw_day, status = clean.get("date", ""), clean.get("status", "")
        day = parse_day(raw_day)
        problems = check_record_fields(clean.get("module", ""), day, raw_day, status, modules, today, where)
        if problems or day is None:
            errors.extend(problems)
            continue
        person = pseudonym(secret, ident)
        key = (person, clean["module"], day)
        if key in records:
            errors.append(UserInputError("gov.training.duplicate", {"module": clean["module"], "date": raw_day},
                                         Location(name, line, "identifier")))
            continue
        records[key] = TrainingRecord(person, clean["module"], day, _status(status), clean.get("session") or None)
        persons.setdefault(person, NewPerson(person, clean.get("team") or None, clean.get("role") or None))
    if errors:
        errors.sort(key=lambda e: (e.where.line or 0, e.where.field or ""))
        raise UserInputError("gov.training.file_rejected", {"count": len(errors)}, Location(file=name),
                             details=tuple(errors))
    if not records:
        raise UserInputError("gov.training.no_rows", {}, Location(file=name))
    return TrainingFile(tuple(records.values()), tuple(persons.values()))


def _status(value: str) -> Status:
    return "completed" if value == "completed" else "attended"
