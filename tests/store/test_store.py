"""The store on SQLite and on a real PostgreSQL server: same code, same results."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from sobria.events.schema import IMPACT_COLUMNS, conform
from sobria.store import Store, open_store
from sobria.store.store import BatchRecord, PersonRow
from sobria.store.tables import event_column_names


def _events(ids: list[str]) -> pl.DataFrame:
    base = conform(pl.DataFrame({
        "event_id": ids,
        "ts": [dt.datetime(2025, 1, 2, 9, i, tzinfo=dt.UTC) for i in range(len(ids))],
        "person": ["p_1"] * len(ids), "team": ["sales"] * len(ids), "model": ["gpt-4o"] * len(ids),
        "operation": ["chat"] * len(ids), "input_tokens": [100] * len(ids), "output_tokens": [50] * len(ids),
        "image_used": [True] * len(ids), "source": ["test"] * len(ids), "tier": ["measured"] * len(ids),
        "request_count": [1] * len(ids),
    }))
    impacts = [pl.lit(0.5 if c.dtype == pl.Float64 else "ok", c.dtype).alias(c.name) for c in IMPACT_COLUMNS]
    return base.with_columns(*impacts, pl.col("ts").dt.epoch("us").alias("ts_us"), pl.lit("b1").alias("batch_id"))


def _batch(batch_id: str = "b1") -> BatchRecord:
    return BatchRecord(batch_id, "events", "f.csv", 0, 3, 0)


def test_migrate_is_idempotent(store: Store) -> None:
    store.migrate()
    assert store.count_events() == 0
    assert store.organisation() is None


def test_write_and_read_back(store: Store) -> None:
    frame = _events(["a", "b", "c"])
    inserted = store.write_batch(_batch(), frame, ["sales"], [PersonRow("p_1", "sales", "dev")])
    assert inserted == 3
    back = store.read_events()
    assert back["event_id"].to_list() == ["a", "b", "c"]
    assert back["ts"].to_list() == frame["ts"].to_list()
    assert back["image_used"].to_list() == [True, True, True]
    assert back["energy_kwh_min"].to_list() == [0.5, 0.5, 0.5]
    assert store.teams() == {"sales"}
    assert store.people().row(0, named=True)["role"] == "dev"
    assert [b["rows_inserted"] for b in store.batches()] == [3]


def test_reimport_adds_nothing(store: Store) -> None:
    store.write_batch(_batch("b1"), _events(["a", "b"]), ["sales"], [])
    again = store.write_batch(_batch("b2"), _events(["a", "b", "c"]), ["sales"], [])
    assert again == 1
    assert store.count_events() == 3


def test_filters(store: Store) -> None:
    store.write_batch(_batch(), _events(["a", "b", "c"]), ["sales"], [])
    start = int(dt.datetime(2025, 1, 2, 9, 1, tzinfo=dt.UTC).timestamp() * 1_000_000)
    assert store.read_events(start=start)["event_id"].to_list() == ["b", "c"]
    assert store.read_events(team="hr").height == 0


def test_failed_batch_writes_nothing(store: Store) -> None:
    bad = _events(["x"]).with_columns(pl.lit(None, pl.Utf8).alias("model"))  # violates NOT NULL
    with pytest.raises(Exception, match=r"(?i)not null|null value"):
        store.write_batch(_batch(), bad, ["sales"], [PersonRow("p_9", "sales")])
    assert store.count_events() == 0
    assert store.teams() == set()
    assert store.batches() == []


def test_columns_in_order() -> None:
    names = event_column_names()
    assert names[:2] == ["event_id", "ts_us"] and names[-1] == "batch_id"


def test_bad_url_is_a_user_error() -> None:
    from sobria.errors import UserInputError

    with pytest.raises(UserInputError) as err:
        open_store("mysql://nobody")
    assert err.value.where.parameter == "SOBRIA_DB"
    with pytest.raises(UserInputError):
        open_store("sqlite:////no/such/folder/x.db")
