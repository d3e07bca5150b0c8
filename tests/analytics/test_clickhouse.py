"""The ClickHouse path (run here on chDB, ClickHouse's engine in-process) gives the in-memory
audit's JSON; writes are idempotent by event id; URLs are checked."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import chdb  # noqa: F401  (required: the optional extra "scale", installed by make install)
import pytest

from sobria.analytics.audit import run_partitioned_audit
from sobria.analytics.clickhouse import ClickHouseEvents, Connection, connect
from sobria.analytics.compare import differences
from sobria.analytics.partitions import PartitionSet
from sobria.analytics.synthetic import generate_events
from sobria.audit.run import AuditOptions, run_audit
from sobria.catalog import load_catalog
from sobria.errors import UserInputError
from sobria.store import open_store
from sobria.store.tables import event_column_names
from tests.analytics.conftest import stored

NOW = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
OPTIONS = [AuditOptions(), AuditOptions(split=dt.date(2025, 3, 17)),
           AuditOptions(start=dt.date(2025, 2, 10), end=dt.date(2025, 4, 3)),
           AuditOptions(team="commercial", split=dt.date(2025, 2, 1))]


@pytest.fixture(scope="module")
def connection(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Connection]:
    """One chDB session for the module: chDB runs one embedded server (one data folder) per process."""
    con = connect(f"chdb://{tmp_path_factory.mktemp('chdb')}")
    yield con
    con.close()


@pytest.fixture(scope="module")
def on_chdb(demo: tuple[Path, PartitionSet], connection: Connection) -> ClickHouseEvents:
    path, _ = demo
    events = ClickHouseEvents(connection, "demo_events")
    events.create()
    frame = open_store(f"sqlite:///{path}").read_events().select(event_column_names())
    assert events.write(frame) == frame.height
    return events


@pytest.mark.parametrize("options", OPTIONS)
def test_demo_on_clickhouse_same_json(demo: tuple[Path, PartitionSet], on_chdb: ClickHouseEvents,
                                      options: AuditOptions) -> None:
    path, parts = demo
    store, catalog = open_store(f"sqlite:///{path}"), load_catalog()
    expected = run_audit(store, catalog, options, NOW)
    got = run_partitioned_audit(store, on_chdb, catalog, options, NOW)
    partitioned = run_partitioned_audit(store, parts, catalog, options, NOW)
    assert expected is not None and got is not None and partitioned is not None
    assert differences(expected.to_json(), got.to_json()) == []
    assert differences(partitioned.to_json(), got.to_json()) == []


def test_writes_are_idempotent_and_retention_drops_old_events(connection: Connection) -> None:
    events = ClickHouseEvents(connection, "idempotent_events")
    events.create()
    frame = generate_events(3_000, load_catalog(), months=3).select(event_column_names())
    assert events.write(frame.head(1_000)) == 1_000
    assert events.write(frame) == 2_000
    assert events.write(frame) == 0
    assert (events.count(), events.months()) == (3_000, ["2025-01", "2025-02", "2025-03"])
    assert events.bounds_us() == (frame["ts_us"].min(), frame["ts_us"].max())
    events.drop_before(1_738_368_000_000_000)             # 2025-02-01
    assert events.months() == ["2025-02", "2025-03"]
    kept = frame.filter(frame["ts_us"] >= 1_738_368_000_000_000).height
    assert events.count() == kept


def test_events_without_a_person_on_clickhouse(tmp_path: Path, connection: Connection) -> None:
    import polars as pl

    catalog = load_catalog()
    frame = generate_events(4_000, catalog, months=3)
    frame = frame.with_columns(pl.when(pl.col("event_id").str.ends_with("7")).then(None)
                               .otherwise(pl.col("person")).alias("person"))
    store = stored(tmp_path / "s.db", frame)
    events = ClickHouseEvents(connection, "anonymous_events")
    events.create()
    events.write(frame.select(event_column_names()))
    expected = run_audit(store, catalog, AuditOptions(), NOW)
    got = run_partitioned_audit(store, events, catalog, AuditOptions(), NOW)
    assert expected is not None and got is not None
    assert differences(expected.to_json(), got.to_json()) == []


@pytest.mark.parametrize("url", ["postgresql://x/y", "chdb"])
def test_other_urls_are_refused(url: str) -> None:
    with pytest.raises(UserInputError) as err:
        connect(url)
    assert (err.value.key, err.value.where.parameter) == ("analytics.bad_url", "SOBRIA_ANALYTICS")
