"""Migration 0300 on a store that already holds events: the team and person indexes go, the time
index stays, the events are untouched; the downgrade brings the two indexes back."""

from __future__ import annotations

import sqlite3
from importlib import resources
from pathlib import Path

from alembic import command
from alembic.config import Config
from tests.store.test_bulk_load import _events

from sobria.store import open_store
from sobria.store.store import BatchRecord


def _alembic(conn: object) -> Config:
    config = Config()
    config.set_main_option("script_location", str(resources.files("sobria.store") / "migrations"))
    config.attributes["connection"] = conn
    return config


def _index_names(db: Path) -> list[str]:
    with sqlite3.connect(db) as conn:
        return [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index' "
                                           "AND tbl_name = 'events' AND sql IS NOT NULL ORDER BY name")]


def test_0300_drops_the_team_and_person_indexes_and_keeps_the_events(tmp_path: Path) -> None:
    db = tmp_path / "old.db"
    store = open_store(f"sqlite:///{db}")
    with store.engine.begin() as conn:
        command.upgrade(_alembic(conn), "0200")
    assert _index_names(db) == ["events_person_ts", "events_team_ts", "events_ts"]
    _insert_old_rows(db, ["a", "b", "c"])
    store.migrate()
    assert _index_names(db) == ["events_ts"]
    assert store.read_events()["event_id"].to_list() == ["a", "b", "c"]
    with store.engine.begin() as conn:
        command.downgrade(_alembic(conn), "0200")
    assert _index_names(db) == ["events_person_ts", "events_team_ts", "events_ts"]
    assert store.count_events() == 3


def _insert_old_rows(db: Path, ids: list[str]) -> None:
    """Events as a store of before migration 0700 held them (no thread or semantic columns)."""
    with sqlite3.connect(db) as conn:
        conn.executemany("INSERT INTO events (event_id, ts_us, team, model, operation, source, tier, request_count, "
                         "batch_id) VALUES (?, ?, 'sales', 'gpt-4o', 'chat', 'test', 'measured', 1, 'b1')",
                         [(i, 1_735_808_400_000_000 + n) for n, i in enumerate(ids)])


def _columns(db: Path) -> list[str]:
    with sqlite3.connect(db) as conn:
        return [r[1] for r in conn.execute("PRAGMA table_info(events)")]


NEW_COLUMNS = ["thread_turn", "thread_signal", "semantic_fingerprint"]


def test_0700_adds_the_thread_and_semantic_columns_and_keeps_the_events(tmp_path: Path) -> None:
    db = tmp_path / "old.db"
    store = open_store(f"sqlite:///{db}")
    with store.engine.begin() as conn:
        command.upgrade(_alembic(conn), "0300")
    _insert_old_rows(db, ["a", "b"])
    assert not set(NEW_COLUMNS) & set(_columns(db))
    store.migrate()
    assert _columns(db)[-3:] == NEW_COLUMNS
    old = store.read_events()
    assert old["event_id"].to_list() == ["a", "b"] and old["thread_turn"].to_list() == [None, None]
    assert store.write_batch(BatchRecord("b2", "events", "f.csv", 0, 1, 0), _events(["c"]), ["sales"], []) == 1
    assert store.count_events() == 3
    with store.engine.begin() as conn:
        command.downgrade(_alembic(conn), "0300")
    assert not set(NEW_COLUMNS) & set(_columns(db)) and store.count_events() == 3
