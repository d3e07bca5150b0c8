"""The store's control-plane records: people and teams, training records, the committee's log.

People have one meaning per writer, named by the method:

- :meth:`~sobria.store.Store.write_batch` (``sobria import`` with its people file) — the roster is
  the reference: a person already stored takes the file's team, role and names (an upsert);
- :meth:`RecordsStore.add_missing_people` — anything else that meets a person (a training file, the
  gateway's journal): people not yet stored are added with their team, people already stored
  keep theirs. Both add the teams they name.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from sobria.store import bulk
from sobria.store.governance_tables import committee_log, training_records
from sobria.store.tables import events, people, teams


@dataclass(frozen=True)
class PersonRow:
    person: str
    team: str | None
    role: str | None = None
    display_name: str | None = None
    email: str | None = None


@dataclass(frozen=True)
class TrainingRow:
    person: str
    module: str
    day: dt.date
    status: str
    session: str | None = None


def _team_rows(persons: Sequence[PersonRow]) -> list[dict[str, Any]]:
    return [{"name": n} for n in sorted({p.team for p in persons if p.team is not None})]


def add_missing_people(conn: Connection, persons: Sequence[PersonRow]) -> None:
    bulk.insert_ignore(conn, teams, _team_rows(persons), ["name"])
    bulk.insert_ignore(conn, people, [p.__dict__ for p in persons], ["person"])


class RecordsStore:
    """Methods of :class:`~sobria.store.Store` over the control-plane records."""

    engine: Engine

    def add_missing_people(self, persons: Sequence[PersonRow]) -> None:
        with self.engine.begin() as conn:
            add_missing_people(conn, persons)

    def people_teams(self) -> dict[str, str | None]:
        """Pseudonym -> team for everyone on the roster."""
        with self.engine.connect() as conn:
            return {r.person: r.team for r in conn.execute(sa.select(people.c.person, people.c.team))}

    def event_span_us(self) -> tuple[int | None, int | None]:
        """The first and last event timestamps (µs), or (None, None) for an empty store."""
        with self.engine.connect() as conn:
            low, high = conn.execute(sa.select(sa.func.min(events.c.ts_us), sa.func.max(events.c.ts_us))).one()
        return (None, None) if low is None else (int(low), int(high))

    def write_training(self, records: Sequence[TrainingRow], persons: Sequence[PersonRow]) -> int:
        """Write records in one transaction (a record already stored is replaced) and add the
        people not yet stored; returns the number of records."""
        now_us = time.time_ns() // 1000
        t = training_records.c
        with self.engine.begin() as conn:
            add_missing_people(conn, persons)
            for r in records:
                conn.execute(sa.delete(training_records).where(
                    (t.person == r.person) & (t.module == r.module) & (t.day == r.day.isoformat())))
            if records:
                conn.execute(sa.insert(training_records), [
                    {"person": r.person, "module": r.module, "day": r.day.isoformat(), "status": r.status,
                     "session": r.session, "recorded_us": now_us} for r in records])
        return len(records)

    def training_records(self) -> list[TrainingRow]:
        """Every training record, ordered by day, module and pseudonym."""
        t = training_records.c
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(t.person, t.module, t.day, t.status, t.session)
                                .order_by(t.day, t.module, t.person)).all()
        return [TrainingRow(r.person, r.module, dt.date.fromisoformat(r.day), r.status, r.session) for r in rows]

    def add_committee_entry(self, kind: str, text: str, logged_on: dt.date, team: str | None) -> int:
        with self.engine.begin() as conn:
            result = conn.execute(sa.insert(committee_log).values(
                logged_on=logged_on.isoformat(), kind=kind, team=team, text=text,
                recorded_us=time.time_ns() // 1000))
            key = result.inserted_primary_key
            assert key is not None
            return int(key[0])

    def committee_entry_day(self, entry_id: int) -> dt.date | None:
        c = committee_log.c
        with self.engine.connect() as conn:
            logged = conn.execute(sa.select(c.logged_on).where(c.id == entry_id)).scalar_one_or_none()
        return None if logged is None else dt.date.fromisoformat(logged)

    def decide_committee_entry(self, entry_id: int, decision: str, decided_on: dt.date) -> None:
        with self.engine.begin() as conn:
            conn.execute(sa.update(committee_log).where(committee_log.c.id == entry_id)
                         .values(decision=decision, decided_on=decided_on.isoformat()))

    def committee_entries(self) -> list[dict[str, Any]]:
        """Every log entry (id, logged_on, kind, team, text, decision, decided_on), in logged order."""
        c = committee_log.c
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(committee_log).order_by(c.logged_on, c.id)).mappings().all()
        return [dict(r) for r in rows]
