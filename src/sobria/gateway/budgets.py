"""Team carbon budgets per month: reserved before forwarding, settled after, atomically.

A reservation is one ``UPDATE … WHERE spent + reserved + estimate <= limit`` statement: the
database serialises concurrent updates of the row (SQLite's write lock, PostgreSQL's row lock with
the condition re-checked), so concurrent requests — in one process or in several sharing a
PostgreSQL store — cannot reserve past the limit. The overshoot is bounded by the difference
between one request's estimate and its actual footprint. Settling (moving a reservation into
``spent`` at its actual value) happens in the journal drain, in the transaction that stores the event.

Amounts are stored as integer micrograms of CO2e (:func:`micrograms`, the same function of the same
float at reservation and at settlement), so that reserving then settling is exact whatever the
sequence: no float absorption, no reservation left behind.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from sobria.store.bulk import insert_ignore
from sobria.store.gateway_tables import budgets

UG_PER_KG = 1_000_000_000
MAX_UG = 10**15  # 1,000 tCO2e: no single request comes near; thousands of them still fit a BIGINT


def micrograms(kgco2e: float) -> int:
    """A footprint as whole micrograms (rounded up: a reservation never under-counts), bounded."""
    if not kgco2e > 0:
        return 0
    return MAX_UG if kgco2e * UG_PER_KG >= MAX_UG else math.ceil(kgco2e * UG_PER_KG)


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


def month_of(ts_us: int) -> str:
    return dt.datetime.fromtimestamp(ts_us / 1e6, tz=dt.UTC).strftime("%Y-%m")


def reserve(engine: Engine, team: str, month: str, estimate_kgco2e: float, limit_kgco2e: float | None) -> Reservation:
    """Reserve ``estimate`` for ``team``; with a limit, only if the total stays within it."""
    estimate = micrograms(estimate_kgco2e)
    where = sa.and_(budgets.c.team == team, budgets.c.month == month)
    if limit_kgco2e is not None:
        total = budgets.c.spent_ug + budgets.c.reserved_ug + estimate
        where = sa.and_(where, total <= math.floor(limit_kgco2e * UG_PER_KG))
    update = (sa.update(budgets).where(where)
              .values(reserved_ug=budgets.c.reserved_ug + estimate)
              .returning(budgets.c.spent_ug, budgets.c.reserved_ug))
    for _attempt in range(2):
        with engine.begin() as conn:
            row = conn.execute(update).first()
            if row is not None:
                return Reservation(True, int(row[0]), int(row[1]))
            current = conn.execute(sa.select(budgets.c.spent_ug, budgets.c.reserved_ug)
                                   .where(budgets.c.team == team, budgets.c.month == month)).first()
            if current is not None:
                return Reservation(False, int(current[0]), int(current[1]))
            insert_ignore(conn, budgets, [{"team": team, "month": month, "reserved_ug": 0, "spent_ug": 0}],
                          ["team", "month"])
    raise RuntimeError("budget row missing after insert")


@dataclass(frozen=True, slots=True)
class Settlement:
    team: str
    month: str
    reserved_kgco2e: float
    actual_kgco2e: float


def settle(conn: Connection, settlements: Iterable[Settlement]) -> None:
    """Replace reservations by actual footprints (inside the caller's transaction)."""
    totals: dict[tuple[str, str], list[int]] = {}
    for s in settlements:
        entry = totals.setdefault((s.team, s.month), [0, 0])
        entry[0] += micrograms(s.reserved_kgco2e)
        entry[1] += micrograms(s.actual_kgco2e)
    if not totals:
        return
    insert_ignore(conn, budgets, [{"team": t, "month": m, "reserved_ug": 0, "spent_ug": 0} for t, m in totals],
                  ["team", "month"])
    stmt = (sa.update(budgets).where(budgets.c.team == sa.bindparam("t"), budgets.c.month == sa.bindparam("m"))
            .values(reserved_ug=budgets.c.reserved_ug - sa.bindparam("r"),
                    spent_ug=budgets.c.spent_ug + sa.bindparam("a")))
    conn.execute(stmt, [{"t": t, "m": m, "r": r, "a": a} for (t, m), (r, a) in sorted(totals.items())])


def budget_state(engine: Engine, team: str, month: str) -> Reservation:
    with engine.connect() as conn:
        row = conn.execute(sa.select(budgets.c.spent_ug, budgets.c.reserved_ug)
                           .where(budgets.c.team == team, budgets.c.month == month)).first()
    return Reservation(True, int(row[0]), int(row[1])) if row else Reservation(True, 0, 0)
