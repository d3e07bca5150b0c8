"""The durable queue: lines appended, drained once, replays idempotent, checkpoints, slots."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sqlalchemy as sa

from sobria.gateway.budgets import budget_state, reserve
from sobria.gateway.drain import Drainer
from sobria.gateway.journal import Journal
from sobria.store import Store, open_store
from sobria.store.gateway_tables import checkpoints, requests
from sobria.store.tables import events


@pytest.fixture
def store(tmp_path: Path) -> Store:
    store = open_store(f"sqlite:///{tmp_path / 's.db'}")
    store.migrate()
    return store


def _line(event_id: str, team: str = "rh", reserved: float = 0.5, actual: float = 0.25) -> bytes:
    event = {"event_id": event_id, "ts_us": 1_764_000_000_000_000, "person": "p_x", "team": team,
             "model": "gpt-4o-mini", "operation": "chat", "source": "gateway", "tier": "measured",
             "request_count": 1, "batch_id": "gateway", "gwp_kgco2e_min": actual, "gwp_kgco2e_max": actual}
    outcome = {"status_code": 200, "action": "allow", "rule": None, "error": None,
               "requested_model": "gpt-4o-mini", "stream": False}
    return json.dumps({"event": event, "gw": {"outcome": outcome, "reservation": [team, "2025-11", reserved],
                                              "actual_kgco2e": actual}}).encode() + b"\n"


def _count(store: Store) -> int:
    with store.engine.connect() as conn:
        return int(conn.execute(sa.select(sa.func.count()).select_from(events)).scalar_one())


def test_drain_settles_once_even_when_replayed(tmp_path: Path, store: Store) -> None:
    journal = Journal(tmp_path / "j")
    journal.open()
    assert reserve(store, "rh", "2025-11", 1.0, 2.0).granted
    for i in range(2):
        journal.append(_line(f"e{i}"))
    drainer = Drainer(store, journal)
    assert drainer.drain_once() == 3  # the generation line and both events
    assert drainer.drain_once() == 0
    assert _count(store) == 2
    state = budget_state(store, "rh", "2025-11")
    assert (state.spent_kgco2e, state.reserved_kgco2e) == (0.5, 0.0)
    replay = Drainer(store, journal)
    replay.offset, replay.generation = 0, journal.generation  # as if the checkpoint had been lost
    assert replay.drain_once() == 3  # the generation line, then both events, skipped
    assert (replay.stored, replay.skipped, _count(store)) == (0, 2, 2)
    assert budget_state(store, "rh", "2025-11").spent_kgco2e == 0.5


def test_restart_takes_the_dead_slot_and_resumes_from_the_checkpoint(tmp_path: Path, store: Store) -> None:
    first = Journal(tmp_path / "j")
    first.open()
    first.append(_line("a"))
    Drainer(store, first).drain_once()
    first.append(_line("b"))
    first.append(b'{"event": {"event_id": "cut')  # a line cut by a crash
    second = Journal(tmp_path / "j")
    second.open()
    assert second.path == tmp_path / "j" / "slot-1.jsonl"  # the first one is still locked
    first.close()
    third = Journal(tmp_path / "j")
    third.open()
    assert (third.path, third.generation) == (first.path, first.generation)
    third.append(_line("c"))
    drainer = Drainer(store, third)
    drainer.load_checkpoint()
    assert drainer.drain_once() == 3  # b, the damaged line (skipped), c
    assert (drainer.stored, _count(store)) == (2, 3)


def test_a_restarted_slot_is_not_confused_with_the_old_one(tmp_path: Path, store: Store) -> None:
    journal = Journal(tmp_path / "j")
    journal.open()
    journal.append(_line("a"))
    drainer = Drainer(store, journal)
    drainer.drain_once()
    old = journal.generation
    journal.restart()
    journal.append(_line("b"))
    assert journal.generation != old
    fresh = Drainer(store, journal)
    fresh.load_checkpoint()
    assert fresh.offset == 0
    fresh.drain_once()
    assert _count(store) == 2
    with store.engine.connect() as conn:
        assert conn.execute(sa.select(checkpoints.c.generation)).scalar_one() == journal.generation


def test_an_event_the_import_checks_refuse_is_not_stored_but_settled(tmp_path: Path, store: Store,
                                                                      caplog: pytest.LogCaptureFixture) -> None:
    journal = Journal(tmp_path / "j")
    journal.open()
    assert reserve(store, "rh", "2025-11", 1.0, 2.0).granted
    line = json.loads(_line("huge"))
    line["event"]["input_tokens"] = 20_000_000  # past the 10 M tokens a request can hold (ingest.limits)
    journal.append(json.dumps(line).encode() + b"\n")
    journal.append(_line("fine"))
    drainer = Drainer(store, journal)
    with caplog.at_level("WARNING", logger="sobria.gateway"):
        assert drainer.drain_once() == 3
    assert (_count(store), drainer.stored, drainer.rejected) == (1, 1, 1)
    with store.engine.connect() as conn:
        outcomes = dict(conn.execute(sa.select(requests.c.event_id, requests.c.error)).all())
    assert outcomes == {"huge": "invalid_event:input_tokens", "fine": None}
    state = budget_state(store, "rh", "2025-11")
    assert (state.spent_kgco2e, state.reserved_kgco2e) == (0.5, 0.0)  # both reservations settled
    assert "event huge not stored (input_tokens: pipeline.above_limit_per_request" in caplog.text
