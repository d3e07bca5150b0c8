"""The dated evidence export for an auditor (AI Act article 4): who was trained on what, when.

One row per record: pseudonym (never a name or an e-mail, and no team so that a small team cannot
be recognised), module, module title, day, status (completed / attended), the day the training
runs out (refresh) and the session. The JSON form adds the generation day and the catalogue.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from typing import Any

from sobria.csvfile import csv_text
from sobria.governance.training.coverage import TrainingModule, TrainingRecord, valid_until

EVIDENCE_SCHEMA = "sobria.training-evidence/1"
COLUMNS = ("person", "module", "module_title", "date", "status", "valid_until", "session")


def evidence_rows(records: Sequence[TrainingRecord], modules: Mapping[str, TrainingModule],
                  at: dt.date) -> list[dict[str, str]]:
    """Rows of records dated on or before ``at``, ordered by day, module and pseudonym."""
    rows = []
    for r in sorted(records, key=lambda r: (r.day, r.module, r.person)):
        if r.day > at or r.module not in modules:
            continue
        until = valid_until(r, modules).isoformat() if r.status == "completed" else ""
        rows.append({"person": r.person, "module": r.module, "module_title": modules[r.module].title,
                     "date": r.day.isoformat(), "status": r.status, "valid_until": until,
                     "session": r.session or ""})
    return rows


def evidence_csv(rows: Sequence[Mapping[str, str]]) -> str:
    """The CSV form, through the one CSV writer (a cell a spreadsheet would run is neutralised)."""
    return csv_text(COLUMNS, ([row.get(c, "") for c in COLUMNS] for row in rows))


def evidence_json(rows: Sequence[Mapping[str, str]], modules: Mapping[str, TrainingModule],
                  organisation: str, at: dt.date) -> str:
    document: dict[str, Any] = {
        "schema": EVIDENCE_SCHEMA, "organisation": organisation, "generated_on": at.isoformat(),
        "modules": [m.model_dump() for m in modules.values()],
        "records": list(rows),
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def default_evidence_name(at: dt.date, fmt: str) -> str:
    return f"preuves_formation_{at.isoformat()}.{fmt}"
