"""Draining the journal into the store, in batches, off the request path.

One transaction per batch stores the new events (``event_id`` already stored: skipped, so a replay
after a crash adds nothing), their gateway outcome, the budget settlements of those new events only,
and the checkpoint (generation, offset) of the slot. A crash anywhere leaves either all of it or
none; the next process replays from the checkpoint.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import polars as pl
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from sobria.analytics.drained import write_drained
from sobria.events.schema import EVENT_COLUMNS, IMPACT_COLUMNS
from sobria.events.semantic import SemanticModel, fill_from_journal
from sobria.gateway.budgets import Settlement, settle
from sobria.store.bulk import insert_events, insert_ignore, upsert
from sobria.store.gateway_tables import checkpoints, requests
from sobria.store.tables import event_column_names, events, people, teams

log = logging.getLogger("sobria.gateway")
_SCHEMA: dict[str, Any] = {("ts_us" if c.name == "ts" else c.name): (pl.Int64 if c.name == "ts" else c.dtype)
                           for c in (*EVENT_COLUMNS, *IMPACT_COLUMNS)}
_SCHEMA["batch_id"] = pl.Utf8


class Slot(Protocol):
    """What the drain needs of a journal slot (the appending :class:`Journal` or a reader)."""

    @property
    def name(self) -> str: ...

    def current_generation(self) -> str: ...

    def size(self) -> int: ...

    def read(self, offset: int) -> tuple[list[bytes], int]: ...


@dataclass
class Drainer:
    """Moves journal lines into the store; remembers how far it got."""

    engine: Engine
    journal: Slot
    batch_lines: int = 2000
    offset: int = -1
    generation: str = ""
    stored: int = 0
    skipped: int = 0
    semantic: SemanticModel | None = None

    def load_checkpoint(self) -> None:
        self.generation = self.journal.current_generation()
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(checkpoints.c.generation, checkpoints.c.offset)
                               .where(checkpoints.c.journal == self.journal.name)).first()
        same = row is not None and row[0] == self.generation and row[1] <= self.journal.size()
        self.offset = int(row[1]) if same and row is not None else 0

    def drain_once(self) -> int:
        """Store the next batch of complete lines; returns the lines consumed (0: caught up)."""
        if self.offset < 0 or self.journal.current_generation() != self.generation:
            self.load_checkpoint()
        lines, end = self.journal.read(self.offset)
        if not lines:
            return 0
        lines = lines[: self.batch_lines]
        records = [r for r in (_parse(line) for line in lines) if r is not None]
        fill_from_journal(records, self.semantic)   # the journalled text (if any) off, fingerprint on
        if len(lines) == self.batch_lines:
            end = self.offset + sum(len(line) + 1 for line in lines[: self.batch_lines])
        with self.engine.begin() as conn:
            inserted = store_records(conn, records)
            _checkpoint(conn, self.journal.name, self.generation, end)
        write_drained(self.engine, [r["event"] for r in records])  # analysis partitions, once committed
        self.offset = end
        self.stored += inserted
        self.skipped += len(records) - inserted
        return len(lines)



def _parse(line: bytes) -> dict[str, Any] | None:
    if not line.strip():
        return None
    try:
        record = json.loads(line)
    except ValueError:
        log.warning("journal: skipped a damaged line (%d bytes)", len(line))
        return None
    return record if isinstance(record, dict) and "event" in record else None


def store_records(conn: Connection, records: Sequence[dict[str, Any]]) -> int:
    """Insert the records not yet stored, with their outcome rows and budget settlements."""
    if not records:
        return 0
    ids = [r["event"]["event_id"] for r in records]
    known = {row[0] for row in conn.execute(sa.select(events.c.event_id).where(events.c.event_id.in_(ids)))}
    fresh = [r for r in records if r["event"]["event_id"] not in known]
    if not fresh:
        return 0
    rows = [r["event"] for r in fresh]
    frame = _frame(rows)
    inserted = insert_events(conn, frame.height, [frame.select(event_column_names())])
    insert_ignore(conn, requests, [{"event_id": r["event"]["event_id"], **r["gw"]["outcome"]} for r in fresh],
                  ["event_id"])
    team_names = sorted({str(row["team"]) for row in rows if row.get("team")})
    insert_ignore(conn, teams, [{"name": n} for n in team_names], ["name"])
    persons = {str(row["person"]): row.get("team") for row in rows if row.get("person")}
    insert_ignore(conn, people, [{"person": p, "team": t, "role": None, "display_name": None, "email": None}
                                 for p, t in sorted(persons.items())], ["person"])
    settle(conn, [Settlement(str(team), str(month), float(estimate), float(r["gw"]["actual_kgco2e"]))
                  for r in fresh if r["gw"].get("reservation") for team, month, estimate in [r["gw"]["reservation"]]])
    return inserted


def _frame(rows: list[dict[str, Any]]) -> pl.DataFrame:
    columns = {name: [row.get(name) for row in rows] for name in _SCHEMA}
    return pl.DataFrame(columns, schema=_SCHEMA)


def _checkpoint(conn: Connection, name: str, generation: str, offset: int) -> None:
    upsert(conn, checkpoints, [{"journal": name, "generation": generation, "offset": offset,
                                "updated_us": time.time_ns() // 1000}], ["journal"])
