"""The gateway's records behind :class:`~sobria.store.Store`: virtual keys, team budgets in integer
micrograms of CO2e, journal drain checkpoints and the request log (``gateway_requests``).

Only this package speaks SQL to these tables (:mod:`sobria.store.gateway_tables`); the gateway
calls these methods. The per-request budget reservation has its own connection
(:class:`sobria.store.budget_ledger.BudgetLedger`); everything here is the control plane.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import polars as pl
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from sobria.store import bulk
from sobria.store.gateway_tables import budgets, checkpoints, requests, virtual_keys
from sobria.store.records import PersonRow, add_missing_people

UG_PER_KG = 1_000_000_000


@dataclass(frozen=True, slots=True)
class KeyRecord:
    """A virtual key as stored (never the key itself: its keyed hash is the table's lookup column)."""

    id: str
    name: str
    prefix: str
    person: str | None
    team: str | None
    purpose: str | None
    created_us: int
    revoked_us: int | None = None

    @property
    def active(self) -> bool:
        return self.revoked_us is None


@dataclass(frozen=True, slots=True)
class Reservation:
    """The outcome of a reservation attempt: granted or not, and the team's total afterwards (µg)."""

    granted: bool
    spent_ug: int
    reserved_ug: int

    @property
    def spent_kgco2e(self) -> float:
        return self.spent_ug / UG_PER_KG

    @property
    def reserved_kgco2e(self) -> float:
        return self.reserved_ug / UG_PER_KG

    @property
    def used_kgco2e(self) -> float:
        return (self.spent_ug + self.reserved_ug) / UG_PER_KG


@dataclass(frozen=True, slots=True)
class BudgetMove:
    """One reservation replaced by the measured footprint (micrograms)."""

    team: str
    month: str
    reserved_ug: int
    actual_ug: int


@dataclass(frozen=True)
class GatewayBatch:
    """What one drain transaction stores: the events (canonical frame, store columns), the outcome
    row of every request (``event_id`` and the ``gateway_requests`` columns, rejected events
    included), the budget moves by event id, the people met, and the slot's checkpoint."""

    events: pl.DataFrame
    outcomes: Sequence[dict[str, Any]]
    moves: dict[str, BudgetMove]
    persons: Sequence[PersonRow]
    journal: str
    generation: str
    offset: int
    now_us: int = field(default_factory=lambda: time.time_ns() // 1000)


def _key_row(record: KeyRecord) -> dict[str, object]:
    return {"id": record.id, "name": record.name, "prefix": record.prefix, "person": record.person,
            "team": record.team, "purpose": record.purpose, "created_us": record.created_us,
            "revoked_us": record.revoked_us}


def _key_record(row: sa.RowMapping) -> KeyRecord:
    return KeyRecord(id=row["id"], name=row["name"], prefix=row["prefix"], person=row["person"], team=row["team"],
                     purpose=row["purpose"], created_us=row["created_us"], revoked_us=row["revoked_us"])


def _ensure_budget_rows(conn: Connection, pairs: Sequence[tuple[str, str]]) -> None:
    bulk.insert_ignore(conn, budgets, [{"team": t, "month": m, "reserved_ug": 0, "spent_ug": 0} for t, m in pairs],
                       ["team", "month"])


def move_budgets(conn: Connection, moves: Sequence[BudgetMove]) -> None:
    """Replace reservations by actual footprints, summed per team and month (caller's transaction)."""
    totals: dict[tuple[str, str], list[int]] = {}
    for m in moves:
        entry = totals.setdefault((m.team, m.month), [0, 0])
        entry[0] += m.reserved_ug
        entry[1] += m.actual_ug
    if not totals:
        return
    _ensure_budget_rows(conn, sorted(totals))
    stmt = (sa.update(budgets).where(budgets.c.team == sa.bindparam("t"), budgets.c.month == sa.bindparam("m"))
            .values(reserved_ug=budgets.c.reserved_ug - sa.bindparam("r"),
                    spent_ug=budgets.c.spent_ug + sa.bindparam("a")))
    conn.execute(stmt, [{"t": t, "m": m, "r": r, "a": a} for (t, m), (r, a) in sorted(totals.items())])


class GatewayStore:
    """Methods of :class:`~sobria.store.Store` over the gateway's tables."""

    engine: Engine

    # keys
    def insert_key(self, record: KeyRecord, key_hash: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(sa.insert(virtual_keys).values(key_hash=key_hash, **_key_row(record)))

    def keys(self) -> list[KeyRecord]:
        """Every key, oldest first."""
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(virtual_keys).order_by(virtual_keys.c.created_us)).mappings().all()
        return [_key_record(r) for r in rows]

    def keys_by_hash(self) -> dict[str, KeyRecord]:
        """Every key (revoked ones included) by its hash."""
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(virtual_keys)).mappings().all()
        return {str(r["key_hash"]): _key_record(r) for r in rows}

    def key_by_hash(self, key_hash: str) -> KeyRecord | None:
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(virtual_keys).where(virtual_keys.c.key_hash == key_hash)).mappings().first()
        return _key_record(row) if row is not None else None

    def revoke_key(self, *, key_id: str | None = None, prefix: str | None = None, now_us: int) -> list[KeyRecord]:
        """Revoke the one key with this id, or whose prefix starts with ``prefix``; returns the keys
        that matched (at most two: none, or more than one, revokes nothing), as they are afterwards."""
        if prefix is not None:
            where = virtual_keys.c.prefix.startswith(prefix, autoescape=True)
        else:
            where = virtual_keys.c.id == key_id
        with self.engine.begin() as conn:
            rows = conn.execute(sa.select(virtual_keys).where(where).limit(2)).mappings().all()
            if len(rows) != 1:
                return [_key_record(r) for r in rows]
            found = rows[0]["id"]
            if rows[0]["revoked_us"] is None:
                conn.execute(sa.update(virtual_keys).where(virtual_keys.c.id == found).values(revoked_us=now_us))
            row = conn.execute(sa.select(virtual_keys).where(virtual_keys.c.id == found)).mappings().one()
        return [_key_record(row)]

    # budgets
    def budget(self, team: str, month: str) -> Reservation:
        """A team's month: spent and reserved micrograms (zero when it has no row yet)."""
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(budgets.c.spent_ug, budgets.c.reserved_ug)
                               .where(budgets.c.team == team, budgets.c.month == month)).first()
        return Reservation(True, int(row[0]), int(row[1])) if row else Reservation(True, 0, 0)

    def clear_budget(self, team: str) -> None:
        """Forget every month of a team's budget."""
        with self.engine.begin() as conn:
            conn.execute(sa.delete(budgets).where(budgets.c.team == team))

    def move_budgets(self, moves: Sequence[BudgetMove]) -> None:
        """:func:`move_budgets` in a transaction of its own."""
        with self.engine.begin() as conn:
            move_budgets(conn, moves)

    # the journal drain
    def checkpoint(self, journal: str) -> tuple[str, int] | None:
        """The (generation, offset) drained so far from a journal slot, if any."""
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(checkpoints.c.generation, checkpoints.c.offset)
                               .where(checkpoints.c.journal == journal)).first()
        return None if row is None else (str(row[0]), int(row[1]))

    def write_gateway_batch(self, batch: GatewayBatch) -> tuple[int, int]:
        """Store a drained batch in one transaction; returns the events inserted and the requests
        that were already stored.

        A request whose outcome row is already stored (a replay after a crash) is skipped whole:
        no event, no outcome, no budget move a second time. The checkpoint moves in the same
        transaction, so a crash leaves all of it or none.
        """
        ids = [str(o["event_id"]) for o in batch.outcomes]
        with self.engine.begin() as conn:
            known = {r[0] for r in conn.execute(sa.select(requests.c.event_id).where(requests.c.event_id.in_(ids)))}
            fresh = [o for o in batch.outcomes if o["event_id"] not in known]
            inserted = 0
            if fresh:
                events = batch.events.filter(~pl.col("event_id").is_in(list(known))) if known else batch.events
                inserted = bulk.insert_events(conn, events.height, [events]) if events.height else 0
                bulk.insert_ignore(conn, requests, fresh, ["event_id"])
                add_missing_people(conn, batch.persons)
                move_budgets(conn, [batch.moves[o["event_id"]] for o in fresh if o["event_id"] in batch.moves])
            bulk.upsert(conn, checkpoints, [{"journal": batch.journal, "generation": batch.generation,
                                             "offset": batch.offset, "updated_us": batch.now_us}], ["journal"])
        return inserted, len(batch.outcomes) - len(fresh)
