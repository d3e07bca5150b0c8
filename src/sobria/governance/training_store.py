"""Persisting training records and reading them back with the people they concern."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa

from sobria.governance.training import TrainingRecord
from sobria.store import Store
from sobria.store.governance_tables import training_records
from sobria.store.tables import people, teams


@dataclass(frozen=True)
class NewPerson:
    """A person met in a training file and not yet in the store (pseudonym, team, role)."""

    person: str
    team: str | None
    role: str | None = None


def write_training(store: Store, records: Sequence[TrainingRecord], persons: Sequence[NewPerson]) -> int:
    """Write records in one transaction (a record already stored is replaced); returns the count.

    People not yet in the store are added with their team; people already there keep theirs
    (the people file of ``sobria import`` stays the reference).
    """
    now_us = time.time_ns() // 1000
    with store.engine.begin() as conn:
        known = {r[0] for r in conn.execute(sa.select(people.c.person))}
        fresh = [p for p in persons if p.person not in known]
        known_teams = {r[0] for r in conn.execute(sa.select(teams.c.name))}
        new_teams = sorted({p.team for p in fresh if p.team is not None} - known_teams)
        if new_teams:
            conn.execute(sa.insert(teams), [{"name": name} for name in new_teams])
        if fresh:
            conn.execute(sa.insert(people), [{"person": p.person, "team": p.team, "role": p.role,
                                              "display_name": None, "email": None} for p in fresh])
        for r in records:
            key = ((training_records.c.person == r.person) & (training_records.c.module == r.module)
                   & (training_records.c.day == r.day.isoformat()))
            conn.execute(sa.delete(training_records).where(key))
        if records:
            conn.execute(sa.insert(training_records), [
                {"person": r.person, "module": r.module, "day": r.day.isoformat(), "status": r.status,
                 "session": r.session, "recorded_us": now_us} for r in records])
    return len(records)


def read_training(store: Store) -> list[TrainingRecord]:
    """Every training record, ordered by day, module and pseudonym."""
    t = training_records.c
    with store.connect() as conn:
        rows = conn.execute(sa.select(t.person, t.module, t.day, t.status, t.session)
                            .order_by(t.day, t.module, t.person)).all()
    return [TrainingRecord(r.person, r.module, dt.date.fromisoformat(r.day), r.status, r.session) for r in rows]


def read_people_teams(store: Store) -> dict[str, str | None]:
    """Pseudonym -> team for everyone in the store."""
    with store.connect() as conn:
        return {r.person: r.team for r in conn.execute(sa.select(people.c.person, people.c.team))}
