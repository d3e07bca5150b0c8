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
    assert store.write_batch(BatchRecord("b1", "events", "f.csv", 0, 3, 0), _events(["a", "b", "c"]), ["sales"],
                             []) == 3
    store.migrate()
    assert _index_names(db) == ["events_ts"]
    assert store.read_events()["event_id"].to_list() == ["a", "b", "c"]
    with store.engine.begin() as conn:
        command.downgrade(_alembic(conn), "0200")
    assert _index_names(db) == ["events_person_ts", "events_team_ts", "events_ts"]
    assert store.count_events() == 3
