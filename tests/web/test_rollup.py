"""The dashboard's rollup kept current at the cost of what changed; slow figures stale-while-revalidate."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import polars as pl
import sqlalchemy as sa

from sobria.catalog import Catalog
from sobria.store import Store
from sobria.store.store import BatchRecord
from sobria.store.tables import events
from sobria.store.web_rollup import RefreshCounts, read_rollup, refresh_rollup
from sobria.web.pages import Figures
from tests.web import data

SUMS = ["request_count", "gwp_kgco2e_min", "gwp_kgco2e_max", "energy_kwh_min", "energy_kwh_max", "est_cost_eur"]


def _cells(store: Store) -> dict[tuple[object, ...], tuple[object, ...]]:
    frame = read_rollup(store).group_by("month", "person", "team", "tool", "model", "tier").agg(
        pl.col(c).sum() for c in SUMS)
    return {tuple(r[:6]): tuple(round(v, 9) for v in r[6:]) for r in frame.iter_rows()}


def _events(store: Store) -> dict[tuple[object, ...], tuple[object, ...]]:
    """The same sums straight from the events (what the rollup must equal)."""
    frame = store.read_events().with_columns(pl.col("ts").dt.strftime("%Y-%m").alias("month")).group_by(
        "month", "person", "team", "tool", "model", "tier").agg(pl.col(c).sum() for c in SUMS)
    return {tuple(r[:6]): tuple(round(v, 9) for v in r[6:]) for r in frame.iter_rows()}


def _write(store: Store, batch: str, when: dt.datetime, count: int, person: str = "t1") -> None:
    rows = data.frame().filter(pl.col("person") == person).head(1)
    extra = pl.concat([rows.with_columns(pl.lit(f"{batch}-{i}").alias("event_id"),
                                         pl.lit(int(when.timestamp() * 1e6) + i).alias("ts_us"),
                                         pl.lit(batch).alias("batch_id")) for i in range(count)])
    store.write_batch(BatchRecord(batch, "events", "x.csv", 1, count, 0), extra, [], [])


def test_refresh_sums_only_what_changed_and_equals_the_events(store: Store) -> None:
    data.fill(store)
    assert refresh_rollup(store) == RefreshCounts(rebuilt=2, changed=("2025-02", "2025-03"))
    assert _cells(store) == _events(store)
    assert refresh_rollup(store) == RefreshCounts(unchanged=2)
    _write(store, "gw", dt.datetime(2025, 3, 31, 12, tzinfo=dt.UTC), 3)  # newer than March's newest: appended
    assert refresh_rollup(store) == RefreshCounts(unchanged=1, appended=1, changed=("2025-03",))
    assert _cells(store) == _events(store)
    _write(store, "old", dt.datetime(2025, 3, 1, 8, tzinfo=dt.UTC), 2)   # older events: March summed again
    assert refresh_rollup(store) == RefreshCounts(unchanged=1, rebuilt=1, changed=("2025-03",))
    assert _cells(store) == _events(store)
    assert read_rollup(store).filter(pl.col("month") == "2025-03").height == len(
        [k for k in _events(store) if k[0] == "2025-03"])               # compacted again
    _write(store, "may", dt.datetime(2025, 5, 2, tzinfo=dt.UTC), 1)      # April has no event
    assert refresh_rollup(store) == RefreshCounts(unchanged=3, rebuilt=1, changed=("2025-05",))  # April: no event
    with store.engine.begin() as conn:
        conn.execute(sa.delete(events).where(events.c.batch_id == "may"))
    assert refresh_rollup(store) == RefreshCounts(unchanged=2, dropped=1, changed=("2025-05",))
    assert _cells(store) == _events(store)


def test_the_dashboard_sees_months_another_process_refreshed(store: Store, catalog: Catalog) -> None:
    data.fill(store)
    f = Figures.create(store, data.charter(), catalog)
    assert int(f.cache.rollup()["request_count"].sum()) == 123
    _write(store, "imp", dt.datetime(2025, 2, 1, 8, tzinfo=dt.UTC), 5)
    assert refresh_rollup(store).changed == ("2025-02",)   # the import's own refresh, before the dashboard's
    frame = f.cache.rollup()
    assert int(frame["request_count"].sum()) == 123 + 5 * 4
    assert int(frame.filter(pl.col("month") == "2025-03")["request_count"].sum()) == 103  # kept, not read again


def test_slow_figures_are_served_stale_while_recomputed(store: Store, catalog: Catalog) -> None:
    data.fill(store)
    jobs: list[Callable[[], None]] = []
    f = Figures.create(store, data.charter(), catalog, background=jobs.append)
    calls: list[int] = []

    def compute() -> int:
        calls.append(1)
        return store.count_events()

    assert f.cache.slow("n", compute) == 28 and not jobs        # never known: computed now
    _write(store, "gw", dt.datetime(2025, 3, 31, 12, tzinfo=dt.UTC), 4)
    assert f.cache.slow("n", compute) == 28                      # the last value, at once
    assert f.cache.pending == {"n"} and len(jobs) == 1
    assert f.cache.slow("n", compute) == 28 and len(jobs) == 1   # one recomputation at a time
    jobs.pop()()
    assert f.cache.pending == set()
    assert f.cache.slow("n", compute) == 32 and len(calls) == 2


def test_without_any_value_yet_a_placeholder_is_shown_while_computing(store: Store, catalog: Catalog) -> None:
    data.fill(store)
    jobs: list[Callable[[], None]] = []
    f = Figures.create(store, data.charter(), catalog, background=jobs.append)
    assert f.audit() is None and f.cache.pending == {("audit",)}
    assert f.violations("2025-03").requests == 0 and len(jobs) == 2
    for job in jobs:
        job()
    result = f.audit()
    assert result is not None and result.kpis.totals.requests == 123  # March 103 + February 20
    assert f.violations("2025-03").requests == 103
    assert f.cache.pending == set()
