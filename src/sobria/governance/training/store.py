"""Training records in the store and back, with the people they concern (through ``Store`` methods).

People met in a training file are added when missing, with their team; people already stored keep
theirs (the people file of ``sobria import`` stays the reference): see :mod:`sobria.store.records`.
"""

from __future__ import annotations

from collections.abc import Sequence

from sobria.governance.training.coverage import TrainingRecord
from sobria.store import Store
from sobria.store.records import PersonRow, TrainingRow

NewPerson = PersonRow
"""A person met in a training file (pseudonym, team, role)."""


def write_training(store: Store, records: Sequence[TrainingRecord], persons: Sequence[PersonRow]) -> int:
    """Write records in one transaction (a record already stored is replaced); returns the count."""
    rows = [TrainingRow(r.person, r.module, r.day, r.status, r.session) for r in records]
    return store.write_training(rows, persons)


def read_training(store: Store) -> list[TrainingRecord]:
    """Every training record, ordered by day, module and pseudonym."""
    return [TrainingRecord(r.person, r.module, r.day, "completed" if r.status == "completed" else "attended",
                           r.session) for r in store.training_records()]


def read_people_teams(store: Store) -> dict[str, str | None]:
    """Pseudonym -> team for everyone in the store."""
    return store.people_teams()
