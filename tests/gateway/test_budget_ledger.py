"""The reservation ledger: on the event loop when SQLite's write lock is free, in the worker thread
(waiting for it) when the drain holds it."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest

from sobria.gateway.budgets import BudgetWorker
from sobria.store import Reservation, open_store
from sobria.store.budget_ledger import LedgerBusyError


def test_a_ledger_that_does_not_wait_says_so_and_the_worker_waits(tmp_path: Path) -> None:
    path = tmp_path / "b.db"
    store = open_store(f"sqlite:///{path}")
    store.migrate()
    fast = store.budget_ledger(wait=False)
    assert fast.reserve("rh", "2026-12", 5, 100) == Reservation(True, 0, 5)  # creates the row, then reserves
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # as the drain writing a batch
    with pytest.raises(LedgerBusyError):
        fast.reserve("rh", "2026-12", 5, 100)
    worker = BudgetWorker(store.budget_ledger(), fast)

    async def reserve_while_locked() -> Reservation:
        pending = asyncio.ensure_future(worker.reserve("rh", "2026-12", 1e-7, 1e-7))  # 100 µg, the limit
        await asyncio.sleep(0)  # it tried the fast ledger, and now waits in the thread
        assert not pending.done()
        other.execute("COMMIT")
        return await pending

    assert asyncio.run(reserve_while_locked()) == Reservation(False, 0, 5)  # 5 + 100 µg would pass the limit
    assert fast.reserve("rh", "2026-12", 95, 100) == Reservation(True, 0, 100)  # exactly the limit, on the loop
    worker.close()
    other.close()
    store.close()
