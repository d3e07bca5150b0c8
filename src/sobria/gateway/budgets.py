"""Team carbon budgets per month: reserved before forwarding, settled after, atomically.

A reservation is one conditional ``UPDATE`` (:class:`sobria.store.budget_ledger.BudgetLedger`): the
database serialises concurrent updates of the row, so concurrent requests — in one process or in
several sharing a PostgreSQL store — cannot reserve past the limit. The overshoot is bounded by
the difference between one request's estimate and its actual footprint. Settling (moving a
reservation into ``spent`` at its actual value) happens in the journal drain, in the transaction
that stores the event.

Amounts are stored as integer micrograms of CO2e (:func:`micrograms`, the same function of the same
float at reservation and at settlement), so that reserving then settling is exact whatever the
sequence: no float absorption, no reservation left behind.

The gateway reserves through :class:`BudgetWorker`. On SQLite it reserves on the event loop itself
(about 25 µs, no thread hand-off) with a ledger that never waits for the write lock; when the
drain holds it, a reservation with a limit to check (``on_exceeded: block``) runs in the worker
thread, whose ledger waits for the drain's commit; one with no limit (``warn``, ``route``: it
cannot be refused) is not made at all — the request records a zero reservation and the drain
settles its actual footprint alone, so a request never waits for the drain's write (the wait was
the gateway's p99: 8 % of requests, up to tens of milliseconds, at a drain every 0.2 s). Meanwhile
the team's total in the store lacks that request's estimate until its event is drained. On
PostgreSQL (a network round trip) every reservation runs in the worker thread. Either way a store
busy with the drain's write never blocks the event loop.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import math
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from sobria.store import BudgetMove, Reservation, Store
from sobria.store.budget_ledger import BudgetLedger, LedgerBusyError

UG_PER_KG = 1_000_000_000
MAX_UG = 10**15  # 1,000 tCO2e: no single request comes near; thousands of them still fit a BIGINT

__all__ = ["MAX_UG", "UG_PER_KG", "BudgetWorker", "Reservation", "Settlement", "budget_state", "limit_ug",
           "micrograms", "month_of", "reserve", "settle"]


def micrograms(kgco2e: float) -> int:
    """A footprint as whole micrograms (rounded up: a reservation never under-counts), bounded."""
    if not kgco2e > 0:
        return 0
    return MAX_UG if kgco2e * UG_PER_KG >= MAX_UG else math.ceil(kgco2e * UG_PER_KG)


def limit_ug(limit_kgco2e: float | None) -> int | None:
    """A budget limit as whole micrograms (rounded down: the limit is never exceeded)."""
    return None if limit_kgco2e is None else math.floor(limit_kgco2e * UG_PER_KG)


def month_of(ts_us: int) -> str:
    return dt.datetime.fromtimestamp(ts_us / 1e6, tz=dt.UTC).strftime("%Y-%m")


def reserve(store: Store, team: str, month: str, estimate_kgco2e: float, limit_kgco2e: float | None) -> Reservation:
    """Reserve ``estimate`` for ``team`` (on a ledger of its own, in this thread); with a limit, only
    if the total stays within it."""
    ledger = store.budget_ledger()
    try:
        return ledger.reserve(team, month, micrograms(estimate_kgco2e), limit_ug(limit_kgco2e))
    finally:
        ledger.close()


@dataclass(frozen=True, slots=True)
class Settlement:
    team: str
    month: str
    reserved_kgco2e: float
    actual_kgco2e: float

    def move(self) -> BudgetMove:
        return BudgetMove(self.team, self.month, micrograms(self.reserved_kgco2e), micrograms(self.actual_kgco2e))


def settle(store: Store, settlements: Iterable[Settlement]) -> None:
    """Replace reservations by actual footprints, in one transaction."""
    store.move_budgets([s.move() for s in settlements])


def budget_state(store: Store, team: str, month: str) -> Reservation:
    return store.budget(team, month)


@dataclass
class BudgetWorker:
    """The gateway's reservations: on the event loop when the store allows it (``fast``), otherwise
    one after the other in a thread that owns the waiting ledger."""

    ledger: BudgetLedger
    fast: BudgetLedger | None = None
    pool: ThreadPoolExecutor = field(
        default_factory=lambda: ThreadPoolExecutor(max_workers=1, thread_name_prefix="sobria-budget"))

    @classmethod
    def for_store(cls, store: Store) -> BudgetWorker:
        return cls(store.budget_ledger(), store.budget_ledger(wait=False) if store.dialect == "sqlite" else None)

    async def reserve(self, team: str, month: str, estimate_kgco2e: float,
                      limit_kgco2e: float | None) -> Reservation | None:
        """Reserve ``estimate`` for the team's month; ``None`` when nothing was reserved: the store
        was busy (the drain writing a batch) and, with no limit to check, the reservation could not
        be refused — the request goes on at once, and the drain settles its actual footprint with no
        reservation to release. With a limit, a busy store is waited for (in the thread)."""
        estimate, limit = micrograms(estimate_kgco2e), limit_ug(limit_kgco2e)
        if self.fast is not None:
            try:
                return self.fast.reserve(team, month, estimate, limit)
            except LedgerBusyError:
                if limit is None:
                    return None
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.pool, self.ledger.reserve, team, month, estimate, limit)

    def close(self) -> None:
        """Close both ledgers (from the thread that used the fast one: the event loop)."""
        self.pool.submit(self.ledger.close).result()
        self.pool.shutdown()
        if self.fast is not None:
            self.fast.close()
