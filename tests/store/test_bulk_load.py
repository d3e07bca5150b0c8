"""Large batches: events loaded through ADBC into a SQLite file (one transaction of that connection),
chunk by chunk; secondary indexes dropped and rebuilt when the batch outnumbers the stored events
(SQLite and PostgreSQL): the same store as row-by-row writes."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from sobria.events.schema import IMPACT_COLUMNS, conform
from sobria.store import Store, bulk, open_store, sqlite_load
from sobria.store.store import BatchEnd, BatchRecord, PersonRow

INDEXES = [("events_ts", "CREATE INDEX events_ts ON events (ts_us)")]


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


def _write(store: Store, frame: pl.DataFrame, batch_id: str, chunk: int = 2) -> int:
    """Write ``frame`` in chunks of ``chunk`` events."""
    frame = frame.with_columns(pl.lit(batch_id).alias("batch_id"))
    chunks = (frame.slice(offset, chunk) for offset in range(0, frame.height, chunk))
    end = BatchEnd(BatchRecord(batch_id, "events", "f.csv", 0, frame.height, 0), ["sales"], [PersonRow("p_1", "sales")])
    return store.write_chunks(frame.height, chunks, lambda: end)


@pytest.fixture
def loaded(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every SQLite batch goes through ADBC; every batch larger than the store rebuilds the indexes."""
    monkeypatch.setattr(sqlite_load, "LOAD_MIN_ROWS", 1)
    monkeypatch.setattr(bulk, "REBUILD_MIN_ROWS", 1)


def _index_definitions(store: Store) -> list[tuple[str, str]]:
    query = ("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'events' AND sql IS NOT NULL"
             if store.dialect == "sqlite" else
             "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'events' AND indexname <> 'events_pkey'")
    with store.engine.connect() as conn:
        return sorted((str(r[0]), str(r[1])) for r in conn.exec_driver_sql(query))


@pytest.mark.usefixtures("loaded")
def test_indexes_rebuilt_on_both_databases(store: Store) -> None:
    before = _index_definitions(store)
    assert [name for name, _ in before] == ["events_ts"]  # the team and person indexes went (migration 0300)
    assert _write(store, _events(["a", "b", "c"]), "b1") == 3       # empty table: rebuilt
    assert _index_definitions(store) == before
    assert _write(store, _events(["a", "b", "d"]), "b2") == 1       # as many as stored: kept
    assert _write(store, _events([f"n{i}" for i in range(5)]), "b3") == 5  # more than stored: rebuilt
    assert _index_definitions(store) == before
    assert store.count_events() == 9
    assert store.read_events(team="sales").height == 9
    assert [b["rows_inserted"] for b in sorted(store.batches(), key=lambda b: b["id"])] == [3, 1, 5]


@pytest.mark.usefixtures("loaded")
def test_failed_batch_restores_the_indexes_on_both_databases(store: Store) -> None:
    before = _index_definitions(store)
    bad = _events(["x", "y", "z"]).with_columns(
        pl.when(pl.col("event_id") == "z").then(None).otherwise(pl.col("operation")).alias("operation"))
    with pytest.raises(Exception, match=r"(?i)not null|null value"):
        _write(store, bad, "b1")  # the bad row is in the second chunk: the first was written, then undone
    assert (store.count_events(), store.batches(), store.teams(), _index_definitions(store)) == (0, [], set(), before)
    assert _write(store, _events(["x", "y"]), "b2") == 2  # the store is usable again


def test_chunks_are_reported_as_written_on_both_databases(store: Store) -> None:
    frame = _events([f"e{i}" for i in range(5)])
    sizes: list[int] = []
    chunks = (frame.slice(offset, 2) for offset in range(0, 5, 2))
    end = BatchEnd(BatchRecord("b1", "events", "f.csv", 0, 5, 0), ["sales"], [])
    assert store.write_chunks(5, chunks, lambda: end, sizes.append) == 5
    assert sizes == [2, 2, 1]


def test_loaded_and_row_by_row_writes_store_the_same_rows(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    frame = _events([f"e{i:03d}" for i in range(101)])
    direct = _store(tmp_path / "direct.db")
    assert _write(direct, frame, "b1", chunk=40) == 101
    monkeypatch.setattr(sqlite_load, "LOAD_MIN_ROWS", 1)
    monkeypatch.setattr(bulk, "REBUILD_MIN_ROWS", 1)
    loaded = _store(tmp_path / "loaded.db")
    assert _write(loaded, frame, "b1", chunk=40) == 101
    assert_frame_equal(loaded.read_events(), direct.read_events())
    back = loaded.read_events().sort("event_id")
    assert back["latency_ms"].to_list()[:2] == [None, 12.5]   # NaN is stored as null, as SQLite binds it
    assert back["image_used"].to_list()[-3:] == [True, False, None]
    assert back["zone"].null_count() == 101
    assert set(back["batch_id"].to_list()) == {"b1"}
    assert [b["rows_inserted"] for b in loaded.batches()] == [101]
    assert loaded.people()["person"].to_list() == ["p_1"]
    assert _indexes(tmp_path / "loaded.db") == INDEXES


@pytest.mark.usefixtures("loaded")
def test_loaded_reimport_adds_nothing_and_keeps_the_indexes(tmp_path: Path) -> None:
    store = _store(tmp_path / "s.db")
    assert _write(store, _events(["a", "b", "c"]), "b1") == 3   # more rows than stored: indexes rebuilt
    assert _write(store, _events(["a", "b"]), "b2") == 0        # fewer: indexes kept
    assert _write(store, _events(["c", "d", "e", "f"]), "b3") == 3
    assert store.count_events() == 6
    assert store.read_events().sort("event_id")["batch_id"].to_list() == ["b1", "b1", "b1", "b3", "b3", "b3"]
    assert _indexes(tmp_path / "s.db") == INDEXES
    with sqlite3.connect(tmp_path / "s.db") as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert conn.execute("SELECT name FROM sqlite_temp_master").fetchall() == []


@pytest.mark.usefixtures("loaded")
def test_no_other_sqlite_connection_is_open_while_adbc_loads(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = _store(tmp_path / "s.db")
    assert store.count_events() == 0  # the pool now holds a connection to the file
    seen: list[tuple[int, int]] = []
    load = sqlite_load.load_events

    def spy(*args: object, **kwargs: object) -> int:
        seen.append((store.engine.pool.checkedin(), store.engine.pool.checkedout()))  # type: ignore[attr-defined]
        return load(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(sqlite_load, "load_events", spy)
    assert _write(store, _events(["a", "b"]), "b1") == 2
    assert seen == [(0, 0)]
    assert store.count_events() == 2


@pytest.mark.usefixtures("loaded")
def test_a_connection_in_use_keeps_the_batch_on_sqlalchemy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = _store(tmp_path / "s.db")
    calls: list[int] = []
    monkeypatch.setattr(sqlite_load, "load_events", lambda *args: calls.append(1) or 0)
    with store.engine.connect() as held:  # e.g. a caller reading while it imports: never disposed under it
        assert _write(store, _events(["a", "b"]), "b1") == 2
        assert held.exec_driver_sql("SELECT count(*) FROM events").scalar_one() == 2
    assert calls == []
    assert _write(store, _events(["c"]), "b2") == 0  # nothing in use now: through ADBC (the stub)
    assert calls == [1]


def test_only_large_batches_into_a_sqlite_file_go_through_adbc(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []
    load = sqlite_load.load_events
    monkeypatch.setattr(sqlite_load, "load_events", lambda path, rows, *rest: calls.append(rows) or load(path, rows,
                                                                                                          *rest))
    monkeypatch.setattr(sqlite_load, "LOAD_MIN_ROWS", 3)
    store = _store(tmp_path / "s.db")
    assert _write(store, _events(["a", "b"]), "b1") == 2
    assert _write(store, _events(["c", "d", "e"]), "b2") == 3
    memory = open_store("sqlite:///:memory:")
    assert memory.sqlite_file() is None
    assert calls == [3]


@pytest.mark.parametrize("adbc", [False, True])
def test_an_id_given_twice_is_stored_once_the_first_time(store: Store, monkeypatch: pytest.MonkeyPatch,
                                                         adbc: bool) -> None:
    """As ``ON CONFLICT DO NOTHING``: within a chunk and across chunks, on every path."""
    if adbc and store.dialect == "sqlite":
        monkeypatch.setattr(sqlite_load, "LOAD_MIN_ROWS", 1)
    frame = _events(["a", "b", "a", "c", "b", "d"]).with_columns(pl.Series("input_tokens", [1, 2, 3, 4, 5, 6]))
    assert _write(store, frame, "b1", chunk=3) == 4
    back = store.read_events().sort("event_id")
    assert back.select("event_id", "input_tokens").rows() == [("a", 1), ("b", 2), ("c", 4), ("d", 6)]
    assert [b["rows_inserted"] for b in store.batches()] == [4]


def test_texts_that_look_like_nulls_stay_texts(store: Store) -> None:
    r"""PostgreSQL's COPY must not read a text ``\N`` or ``""`` as null (nor a null as a text)."""
    frame = _events(["a", "b", "c", "d"]).with_columns(
        pl.Series("conversation_id", ["\\N", "", None, 'x"y,z'], dtype=pl.Utf8),
        pl.Series("model", ["\\N", "gpt-4o", "gpt-4o", "gpt-4o"]))
    assert _write(store, frame, "b1") == 4
    back = store.read_events().sort("event_id")
    assert back["conversation_id"].to_list() == ["\\N", "", None, 'x"y,z']
    assert back["model"].to_list()[0] == "\\N"


@pytest.mark.usefixtures("loaded")
def test_a_full_disk_reports_the_full_disk_and_writes_nothing(tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """SQLite rolls back by itself when the disk is full: that error is raised, not the failed ROLLBACK's."""
    store = _store(tmp_path / "s.db")
    run = sqlite_load._run

    def small_disk(cur: object, sql: str, params: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
        result = run(cur, sql, params)
        if sql.startswith("PRAGMA cache_size"):  # the file may grow by 3 pages only
            run(cur, f"PRAGMA max_page_count={run(cur, 'PRAGMA page_count')[0][0] + 3}")
        return result

    monkeypatch.setattr(sqlite_load, "_run", small_disk)
    with pytest.raises(Exception, match="database or disk is full"):
        _write(store, _events([f"id{i}" for i in range(3000)]), "b1", chunk=500)
    monkeypatch.setattr(sqlite_load, "_run", run)
    assert (store.count_events(), store.batches(), _indexes(tmp_path / "s.db")) == (0, [], INDEXES)
