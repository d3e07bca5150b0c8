"""The reservation ledger: on the event loop when SQLite's write lock is free; when the drain holds
it, in the worker thread (waiting for it) if there is a limit to check, else not at all (the drain
settles the actual footprint alone)."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path
from typing import Any

import openai
import pytest

from sobria.catalog import load_catalog
from sobria.gateway.budgets import BudgetWorker, micrograms
from sobria.gateway.fake_upstream import FakeUpstream
from sobria.gateway.footprint import FootprintCalculator
from sobria.impact.estimator import Estimator
from sobria.store import Reservation, open_store
from sobria.store.budget_ledger import LedgerBusyError
from tests.gateway.support import serve_in_thread, write_policy
from tests.gateway.upstreams_support import serve_gateway


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


def test_with_no_limit_to_check_a_busy_store_is_not_waited_for(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'b.db'}")
    store.migrate()
    worker = BudgetWorker.for_store(store)
    assert asyncio.run(worker.reserve("rh", "2026-12", 5e-9, None)) == Reservation(True, 0, 5)
    other = sqlite3.connect(tmp_path / "b.db", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # as the drain writing a batch
    assert asyncio.run(worker.reserve("rh", "2026-12", 5e-9, None)) is None  # at once: nothing reserved
    other.execute("COMMIT")
    assert store.budget("rh", "2026-12") == Reservation(True, 0, 5)
    worker.close()
    other.close()
    store.close()


def test_a_request_is_answered_while_the_drain_holds_the_store_and_its_budget_settles_exactly(
        tmp_path: Path) -> None:
    """The template's ``on_exceeded: route``: a reservation cannot be refused, so a request arriving
    while another connection holds SQLite's write lock (the drain writing a batch) is answered at
    once; the drain then settles its actual footprint with no reservation to release."""
    footprints = FootprintCalculator(Estimator(load_catalog()))
    actual = micrograms(footprints.footprint("openai", "gpt-4o-mini", "chat", input_tokens=1,
                                             output_tokens=2).gwp_kgco2e)  # the fake's "echo: bonjour"
    write_policy(tmp_path)
    with serve_in_thread(FakeUpstream()) as url:
        config = (f"policy: {tmp_path / 'politique.yaml'}\ntool: passerelle-sobria\nupstreams:\n"
                  f"  - {{name: fake, base_url: '{url}/v1', provider: openai, models: [gpt-4o-mini]}}\n")
        with (serve_gateway(tmp_path, config) as served,
              openai.OpenAI(base_url=f"{served.url}/v1", api_key=served.key, max_retries=0, timeout=5) as client):
            messages: list[Any] = [{"role": "user", "content": "bonjour"}]
            client.chat.completions.create(model="gpt-4o-mini", messages=messages)  # the team's row exists
            first = served.budget("commercial")
            other = sqlite3.connect(tmp_path / "g.db", isolation_level=None)
            other.execute("BEGIN IMMEDIATE")
            answer = client.chat.completions.with_raw_response.create(model="gpt-4o-mini", messages=messages)
            assert answer.parse().choices[0].message.content == "echo: bonjour"  # answered under the lock
            other.execute("COMMIT")
            other.close()
            row = served.outcome(answer.headers["x-sobria-event-id"])
            assert row["status_code"] == 200
            assert first == (actual, 0)
            assert served.budget("commercial") == (2 * actual, 0)  # settled to the microgram, nothing left
