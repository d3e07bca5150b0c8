"""Month partitions: idempotent by event id, atomic per month, kept current by import."""

from __future__ import annotations

import itertools
import os
from pathlib import Path

import polars as pl
import pytest

from sobria.analytics.partitions import PartitionSet, month_bounds_us, months_between, store_shaped
from sobria.analytics.synthetic import generate_events
from sobria.catalog import Catalog
from sobria.ingest.pipeline import ImportOptions, run_import
from sobria.ingest.pseudonym import key_fingerprint
from sobria.store import open_store
from sobria.store.tables import event_column_names

SECRET = bytes(range(32))
CSV = ("event_id,ts,person,team,tool,provider,model,operation,input_tokens,output_tokens,tier\n"
       "e1,2025-01-31T23:59:59Z,alice,sales,chat,openai,gpt-4o,chat,100,200,measured\n"
       "e2,2025-02-01T00:00:00Z,bob,sales,chat,openai,gpt-4o,chat,10,20,measured\n"
       "e3,2025-03-04T10:00:00Z,bob,sales,chat,openai,gpt-4o-mini,chat,10,20,measured\n")


def test_month_helpers() -> None:
    import datetime as dt

    assert months_between(dt.date(2024, 11, 30), dt.date(2025, 2, 1)) == ["2024-11", "2024-12", "2025-01", "2025-02"]
    assert month_bounds_us("2024-12") == (1_733_011_200_000_000, 1_735_689_600_000_000)


def test_write_is_idempotent_by_event_id(tmp_path: Path, catalog: Catalog) -> None:
    parts = PartitionSet(tmp_path / "p")
    frame = generate_events(2_000, catalog, months=3).select(event_column_names())
    assert sum(parts.write(frame).values()) == 2_000
    assert parts.write(frame) == {"2025-01": 0, "2025-02": 0, "2025-03": 0}
    head = frame.head(10).with_columns(pl.lit(99, pl.Int64).alias("request_count"))   # same ids: the first copy stays
    assert parts.write(pl.concat([head, frame.head(10)])) == {"2025-01": 0}
    stored = parts.scan_all().collect()
    assert parts.months() == ["2025-01", "2025-02", "2025-03"]
    assert stored.height == 2_000 and stored["event_id"].n_unique() == 2_000
    assert stored["request_count"].unique().to_list() == [1]
    expected = store_shaped(frame)
    for month in parts.months():   # each month by person then time, as its metadata says
        start, end = month_bounds_us(month)
        within = expected.filter((pl.col("ts_us") >= start) & (pl.col("ts_us") < end))
        assert parts.scan(month).collect().equals(within.sort("person", "ts_us", "event_id"))
        assert parts.person_sorted(month)
    assert stored.sort("ts_us", "event_id").equals(expected.sort("ts_us", "event_id"))


def test_in_layout_is_the_sorted_check() -> None:
    from sobria.analytics.partitions import in_layout

    frame = pl.DataFrame({"person": [None, None, "a", "a", "b"], "ts_us": [5, 7, 1, 1, 0],
                          "event_id": ["x", "y", "a", "b", "c"]})
    assert in_layout(frame) and in_layout(frame.head(1)) and in_layout(frame.head(0))
    for order in ([1, 0, 2, 3, 4], [0, 1, 3, 2, 4], [0, 1, 4, 2, 3], [2, 0, 1, 3, 4]):
        assert not in_layout(frame[order])


def test_a_month_written_by_blocks_is_the_month_written_whole(tmp_path: Path, catalog: Catalog) -> None:
    """``write_blocks`` (a month too large for memory, blocks of consecutive people): the same rows,
    layout and metadata as ``PartitionSet.write``; several row groups, each with its people's bounds."""
    import pyarrow.parquet as pq

    from sobria.analytics.partitions import LAYOUT, write_blocks

    whole, blocks = PartitionSet(tmp_path / "whole"), PartitionSet(tmp_path / "blocks")
    frame = generate_events(3_000, catalog, months=1).select(event_column_names())
    whole.write(frame)
    shaped = store_shaped(frame).sort(LAYOUT)
    people = shaped["person"].unique().sort()
    cuts = [people[i] for i in range(0, people.len(), 7)][1:]
    parts = [shaped.filter(pl.col("person") < cuts[0])]
    parts += [shaped.filter((pl.col("person") >= a) & (pl.col("person") < b)) for a, b in itertools.pairwise(cuts)]
    parts.append(shaped.filter(pl.col("person") >= cuts[-1]))
    assert write_blocks(blocks.path("2025-01"), parts) == 3_000
    assert blocks.scan("2025-01").collect().equals(whole.scan("2025-01").collect())
    assert blocks.person_sorted("2025-01") and whole.person_sorted("2025-01")
    groups = pq.ParquetFile(blocks.path("2025-01")).metadata
    assert groups.num_row_groups == len(parts)
    column = groups.schema.names.index("person")
    bounds = [(groups.row_group(g).column(column).statistics.min, groups.row_group(g).column(column).statistics.max)
              for g in range(groups.num_row_groups)]
    assert all(high < low for (_, high), (low, _) in itertools.pairwise(bounds))


def test_a_failed_write_leaves_the_month_as_it_was(tmp_path: Path, catalog: Catalog,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    parts = PartitionSet(tmp_path / "p")
    frame = generate_events(500, catalog, months=1).select(event_column_names())
    parts.write(frame.head(100))
    before = parts.path("2025-01").read_bytes()

    def broken(_src: str, _dst: Path) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken)
    with pytest.raises(OSError, match="disk full"):
        parts.write(frame)
    assert parts.path("2025-01").read_bytes() == before
    assert [p.name for p in parts.path("2025-01").parent.iterdir()] == ["events.parquet"]   # no temporary left


def test_import_refreshes_the_months_it_touched(tmp_path: Path, catalog: Catalog) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'sobria.db'}")
    store.migrate()
    store.init_organisation("TechVert", key_fingerprint(SECRET))
    source = tmp_path / "events.csv"
    source.write_text(CSV, encoding="utf-8")
    run_import(store, catalog, SECRET, ImportOptions(kind="events", files=(source,)))
    assert PartitionSet.beside(store) is None                   # no folder: nothing written, nothing needed
    parts = PartitionSet.enable(tmp_path / "sobria.db")
    run_import(store, catalog, SECRET, ImportOptions(kind="events", files=(source,)))   # adds nothing to the store
    assert parts.months() == ["2025-01", "2025-02", "2025-03"]
    assert parts.scan_all().collect().equals(store.read_events())
    run_import(store, catalog, SECRET, ImportOptions(kind="events", files=(source,)))
    assert parts.scan_all().collect().height == 3


def test_rollups_follow_the_partitions(tmp_path: Path, catalog: Catalog) -> None:
    import datetime as dt

    from sobria.analytics.rollups import people_by_month, read_daily, totals_by_month
    from sobria.audit.kpis import compute_kpis
    from sobria.audit.period import Period

    parts = PartitionSet(tmp_path / "p")
    frame = store_shaped(generate_events(3_000, catalog, months=3))
    parts.write(frame.head(1_000))
    parts.write(frame)                      # merged: the rollups are those of the whole month
    start, end = dt.date(2025, 1, 1), dt.date(2025, 4, 1)
    expected = compute_kpis(frame, catalog, Period(start, end)).by_month
    got = totals_by_month(parts.root, start, end)
    assert [m for m, _ in got] == [m for m, _ in expected] == ["2025-01", "2025-02", "2025-03"]
    for (_, a), (_, b) in zip(got, expected, strict=True):
        assert (a.requests, a.events) == (b.requests, b.events)
        assert a.gwp_kgco2e.central == pytest.approx(b.gwp_kgco2e.central, rel=1e-12)
    assert read_daily(parts.root, start, end)["events"].sum() == 3_000
    months = pl.col("ts").dt.strftime("%Y-%m")
    everyone = frame.group_by(months).agg(pl.col("person").n_unique()).sort("ts")
    assert people_by_month(parts.root) == dict(everyone.iter_rows())
    rh = frame.filter(pl.col("team") == "rh").group_by(months).agg(pl.col("person").n_unique()).sort("ts")
    assert people_by_month(parts.root, "rh") == {m: (n if n >= 5 else None) for m, n in rh.iter_rows()}
    parts.replace("2025-02", frame.head(0))
    assert list(people_by_month(parts.root)) == ["2025-01", "2025-03"]


def test_events_in_any_order_give_the_same_partitions(tmp_path: Path, catalog: Catalog) -> None:
    """Time-ordered input is cut into month slices, other input filtered by month: same files."""
    frame = generate_events(3_000, catalog, months=3).select(event_column_names())
    ordered, shuffled = PartitionSet(tmp_path / "a"), PartitionSet(tmp_path / "b")
    assert ordered.write(frame) == shuffled.write(frame.sample(fraction=1.0, shuffle=True, seed=3))
    for month in ordered.months():
        assert pl.read_parquet(ordered.path(month)).equals(pl.read_parquet(shuffled.path(month)))
    boundary = frame.filter(pl.col("ts_us") < 1_738_368_000_000_000).height   # the events of January
    assert pl.read_parquet(ordered.path("2025-01")).height == boundary


def test_generated_activity_is_capped_for_a_large_group() -> None:
    """A small group keeps the plain 1/rank^0.8 law (the scale tests' golden figures); from about
    270 people the heaviest users are capped at HEAVIEST times the median person."""
    import numpy as np

    from sobria.analytics.synthetic import HEAVIEST, activity

    for people in (60, 75, 250):
        assert np.array_equal(activity(people), 1.0 / np.arange(1, people + 1) ** 0.8)
    large = activity(100_000)
    assert large.max() == pytest.approx(HEAVIEST * np.median(large))
    assert large.max() / large.sum() < 0.001          # uncapped: 2.2 % of all events on one person
    assert (np.diff(large) <= 0).all()


def test_time_ordered_is_the_sort_by_time_and_id() -> None:
    """Sorted on ``ts_us`` alone when no two events share a time, by (``ts_us``, ``event_id``)
    otherwise: always the frame sorted by both."""
    from sobria.analytics.partitions import time_ordered

    distinct = pl.DataFrame({"ts_us": [3, 1, 2, 5, 4], "event_id": ["c", "a", "b", "e", "d"], "v": [0, 1, 2, 3, 4]})
    tied = pl.DataFrame({"ts_us": [2, 1, 2, 2, 1], "event_id": ["z", "b", "a", "m", "a"], "v": [0, 1, 2, 3, 4]})
    for frame in (distinct, tied, distinct.sort("ts_us"), tied.sort("ts_us", "event_id")):
        assert time_ordered(frame).equals(frame.sort("ts_us", "event_id"))
    assert time_ordered(tied)["v"].to_list() == [4, 1, 2, 3, 0]


def test_row_groups_hold_consecutive_people(tmp_path: Path, catalog: Catalog, monkeypatch: pytest.MonkeyPatch) -> None:
    """A month written whole (``PartitionSet.write``) is cut in row groups of ``ROW_GROUP`` rows in
    person order, each with its person bounds: a range of people overlaps only a few of them."""
    import pyarrow.parquet as pq

    from sobria.analytics import partitions

    monkeypatch.setattr(partitions, "ROW_GROUP", 500)
    parts = PartitionSet(tmp_path / "p")
    parts.write(generate_events(3_000, catalog, months=1).select(event_column_names()))
    meta = pq.ParquetFile(parts.path("2025-01")).metadata
    column = meta.schema.names.index("person")
    stats = [meta.row_group(g).column(column).statistics for g in range(meta.num_row_groups)]
    assert [meta.row_group(g).num_rows for g in range(meta.num_row_groups)] == [500] * 6
    assert all(a.max <= b.min for a, b in itertools.pairwise(stats))
    people = sorted({s.min for s in stats})
    low, high = people[2], people[3]
    overlapping = [g for g, s in enumerate(stats) if s.max >= low and s.min < high]
    assert len(overlapping) <= 2
