"""Team carbon budgets per month: reserved before forwarding, settled after, atomically.

A reservation is one ``UPDATE … WHERE spent + reserved + estimate <= limit`` statement: the
database serialises concurrent updates of the row (SQLite's write lock, PostgreSQL's row lock with
the condition re-checked), so concurrent requests — in one process or in several sharing a
PostgreSQL store — cannot reserve past the limit. The overshoot is bounded by the difference
between one request's estimate and its actual footprint. Settling (moving a reservation into
``spent`` at its actual value) happens in the journal drain, in the transaction that stores the event.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from sobria.store.bulk import insert_ignore
from sobria.store.gateway_tables import budgets


@dataclass(frozen=True, slots=True)
class Reservation:
    """The outcome of a reservation attempt: granted or not, and the team's total afterwards."""

    granted: bool
    spent_kgco2e: float
    reserved_kgco2e: float

    @property
    def used_kgco2e(self) -> float:
        return self.spent_kgco2e + self.reserved_kgco2e


def month_of(ts_us: int) -> str:
    return dt.datetime.fromtimestamp(ts_us / 1e6, tz=dt.UTC).strftime("%Y-%m")


def reserve(engine: Engine, team: str, month: str, estimate_kgco2e: float, limit_kgco2e: float | None) -> Reservation:
    """Reserve ``estimate`` for ``team``; with a limit, only if the total stays within it."""
    where = sa.and_(budgets.c.team == team, budgets.c.month == month)
    if limit_kgco2e is not None:
        total = budgets.c.spent_kgco2e + budgets.c.reserved_kgco2e + estimate_kgco2e
        where = sa.and_(where, total <= limit_kgco2e)
    update = (sa.update(budgets).where(where)
              .values(reserved_kgco2e=budgets.c.reserved_kgco2e + estimate_kgco2e)
              .returning(budgets.c.spent_kgco2e, budgets.c.reserved_kgco2e))
    for _attempt in range(2):
        with engine.begin() as conn:
            row = conn.execute(update).first()
            if row is not None:
                return Reservation(True, float(row[0]), float(row[1]))
            current = conn.execute(sa.select(budgets.c.spent_kgco2e, budgets.c.reserved_kgco2e)
                                   .where(budgets.c.team == team, budgets.c.month == month)).first()
            if current is not None:
                return Reservation(False, float(current[0]), float(current[1]))
            insert_ignore(conn, budgets, [{"team": team, "month": month, "reserved_kgco2e": 0.0,
                                           "spent_kgco2e": 0.0}], ["team", "month"])
    raise RuntimeError("budget row missing after insert")


@dataclass(frozen=True, slots=True)
class Settlement:
    team: str
    month: str
    reserved_kgco2e: float
    actual_kgco2e: float


def settle(conn: Connection, settlements: Iterable[Settlement]) -> None:
    """Replace reservations by actual footprints (inside the caller's transaction)."""
    totals: dict[tuple[str, str], list[float]] = {}
    for s in settlements:
        entry = totals.setdefault((s.team, s.month), [0.0, 0.0])
        entry[0] += s.reserved_kgco2e
        entry[1] += s.actual_kgco2e
    if not totals:
        return
    insert_ignore(conn, budgets, [{"team": t, "month": m, "reserved_kgco2e": 0.0, "spent_kgco2e": 0.0}
                                  for t, m in totals], ["team", "month"])
    stmt = (sa.update(budgets).where(budgets.c.team == sa.bindparam("t"), budgets.c.month == sa.bindparam("m"))
            .values(reserved_kgco2e=budgets.c.reserved_kgco2e - sa.bindparam("r"),
                    spent_kgco2e=budgets.c.spent_kgco2e + sa.bindparam("a")))
    conn.execute(stmt, [{"t": t, "m": m, "r": r, "a": a} for (t, m), (r, a) in sorted(totals.items())])


def budget_state(engine: Engine, team: str, month: str) -> Reservation:
    with engine.connect() as conn:
        row = conn.execute(sa.select(budgets.c.spent_kgco2e, budgets.c.reserved_kgco2e)
                           .where(budgets.c.team == team, budgets.c.month == month)).first()
    return Reservation(True, float(row[0]), float(row[1])) if row else Reservation(True, 0.0, 0.0)
