"""Large batches: events staged with ADBC (SQLite) and copied in one statement, secondary indexes
dropped and rebuilt when the batch outnumbers the stored events (SQLite and PostgreSQL): same store."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from sobria.events.schema import IMPACT_COLUMNS, conform
from sobria.store import Store, bulk, open_store
from sobria.store.store import BatchRecord, PersonRow

INDEXES = [
    ("events_person_ts", "CREATE INDEX events_person_ts ON events (person, ts_us)"),
    ("events_team_ts", "CREATE INDEX events_team_ts ON events (team, ts_us)"),
    ("events_ts", "CREATE INDEX events_ts ON events (ts_us)"),
]


def _events(ids: list[str]) -> pl.DataFrame:
    n = len(ids)
    base = conform(pl.DataFrame({
        "event_id": ids,
        "ts": [dt.datetime(2025, 1, 2, 9, i % 60, tzinfo=dt.UTC) for i in range(n)],
        "person": ["p_1", None] * (n // 2) + ["p_1"] * (n % 2), "team": ["sales"] * n, "model": ["gpt-4o"] * n,
        "operation": ["chat"] * n, "input_tokens": list(range(n)), "output_tokens": [50] * n,
        "latency_ms": [float("nan"), 12.5] * (n // 2) + [1.0] * (n % 2),
        "image_used": [True, False] * (n // 2) + [None] * (n % 2), "source": ["test"] * n,
        "tier": ["measured"] * n, "request_count": [1] * n,
    }))
    impacts = [pl.lit(0.25 if c.dtype == pl.Float64 else "ok", c.dtype).alias(c.name) for c in IMPACT_COLUMNS]
    return base.with_columns(*impacts, pl.col("ts").dt.epoch("us").alias("ts_us"), pl.lit("b0").alias("batch_id"))


def _store(path: Path) -> Store:
    store = open_store(f"sqlite:///{path}")
    store.migrate()
    return store


def _indexes(path: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(path) as conn:
        return conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'events' "
                            "AND sql IS NOT NULL ORDER BY name").fetchall()


def _write(store: Store, frame: pl.DataFrame, batch_id: str) -> int:
    frame = frame.with_columns(pl.lit(batch_id).alias("batch_id"))
    return store.write_batch(BatchRecord(batch_id, "events", "f.csv", 0, frame.height, 0), frame, ["sales"],
                             [PersonRow("p_1", "sales")])


@pytest.fixture
def staged(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bulk, "STAGE_MIN_ROWS", 1)
    monkeypatch.setattr(bulk, "REBUILD_MIN_ROWS", 1)


def _index_definitions(store: Store) -> list[tuple[str, str]]:
    query = ("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'events' AND sql IS NOT NULL"
             if store.dialect == "sqlite" else
             "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'events' AND indexname <> 'events_pkey'")
    with store.engine.connect() as conn:
        return sorted((str(r[0]), str(r[1])) for r in conn.exec_driver_sql(query))


@pytest.mark.usefixtures("staged")
def test_indexes_rebuilt_on_both_databases(store: Store) -> None:
    before = _index_definitions(store)
    assert [name for name, _ in before] == ["events_person_ts", "events_team_ts", "events_ts"]
    assert _write(store, _events(["a", "b", "c"]), "b1") == 3       # empty table: rebuilt
    assert _index_definitions(store) == before
    assert _write(store, _events(["a", "b", "d"]), "b2") == 1       # as many as stored: kept
    assert _write(store, _events([f"n{i}" for i in range(5)]), "b3") == 5  # more than stored: rebuilt
    assert _index_definitions(store) == before
    assert store.count_events() == 9
    assert store.read_events(team="sales").height == 9


@pytest.mark.usefixtures("staged")
def test_failed_batch_restores_the_indexes_on_both_databases(store: Store) -> None:
    before = _index_definitions(store)
    bad = _events(["x", "y"]).with_columns(pl.lit(None, pl.Utf8).alias("operation"))
    with pytest.raises(Exception, match=r"(?i)not null|null value"):
        _write(store, bad, "b1")
    assert (store.count_events(), store.batches(), _index_definitions(store)) == (0, [], before)


def test_staged_and_direct_writes_store_the_same_rows(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    frame = _events([f"e{i:03d}" for i in range(101)])
    direct = _store(tmp_path / "direct.db")
    assert _write(direct, frame, "b1") == 101
    monkeypatch.setattr(bulk, "STAGE_MIN_ROWS", 1)
    monkeypatch.setattr(bulk, "REBUILD_MIN_ROWS", 1)
    staged = _store(tmp_path / "staged.db")
    assert _write(staged, frame, "b1") == 101
    assert_frame_equal(staged.read_events(), direct.read_events())
    back = staged.read_events().sort("event_id")
    assert back["latency_ms"].to_list()[:2] == [None, 12.5]
    assert back["image_used"].to_list()[-3:] == [True, False, None]
    assert back["zone"].null_count() == 101
    assert set(back["batch_id"].to_list()) == {"b1"}
    assert [b["rows_inserted"] for b in staged.batches()] == [101]
    assert _indexes(tmp_path / "staged.db") == INDEXES


@pytest.mark.usefixtures("staged")
def test_staged_reimport_adds_nothing_and_keeps_the_indexes(tmp_path: Path) -> None:
    store = _store(tmp_path / "s.db")
    assert _write(store, _events(["a", "b", "c"]), "b1") == 3   # more rows than stored: indexes rebuilt
    assert _write(store, _events(["a", "b"]), "b2") == 0        # fewer: indexes kept
    assert _write(store, _events(["c", "d", "e", "f"]), "b3") == 3
    assert store.count_events() == 6
    assert store.read_events().sort("event_id")["batch_id"].to_list() == ["b1", "b1", "b1", "b3", "b3", "b3"]
    assert _indexes(tmp_path / "s.db") == INDEXES
    with sqlite3.connect(tmp_path / "s.db") as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    with store.engine.connect() as pooled:  # the scratch database was detached
        assert bulk.STAGE not in [r[1] for r in pooled.exec_driver_sql("PRAGMA database_list")]


@pytest.mark.usefixtures("staged")
def test_failed_staged_batch_writes_nothing(tmp_path: Path) -> None:
    store = _store(tmp_path / "s.db")
    bad = _events(["x", "y"]).with_columns(pl.when(pl.col("event_id") == "y").then(None).otherwise(pl.col("model"))
                                           .alias("model"))
    with pytest.raises(Exception, match=r"(?i)not null"):
        _write(store, bad, "b1")
    assert store.count_events() == 0
    assert store.teams() == set()
    assert store.batches() == []
    assert _indexes(tmp_path / "s.db") == INDEXES
    assert _write(store, _events(["x", "y"]), "b2") == 2  # the connection is usable again


def test_only_large_sqlite_batches_are_staged() -> None:
    frame = _events(["a", "b"])
    with bulk.event_stage("postgresql", frame) as stage:
        assert stage is None
    with bulk.event_stage("sqlite", frame) as stage:
        assert stage is None
    big = _events([f"e{i}" for i in range(bulk.STAGE_MIN_ROWS)])
    with bulk.event_stage("sqlite", big) as stage:
        assert stage is not None
        assert stage.path.is_file()
        assert (stage.rows, "batch_id" in stage.columns, "zone" in stage.columns) == (bulk.STAGE_MIN_ROWS, False,
                                                                                    False)
    assert not stage.path.exists()
