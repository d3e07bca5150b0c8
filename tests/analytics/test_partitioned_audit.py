"""The partitioned (out-of-core) audit gives the in-memory audit's JSON, on a generated store and
on the demo company."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from sobria.analytics.audit import Scan, person_ranges, run_partitioned_audit
from sobria.analytics.compare import differences
from sobria.analytics.partitions import PartitionSet
from sobria.analytics.synthetic import generate_events
from sobria.audit.run import AuditOptions, run_audit
from sobria.catalog import load_catalog
from sobria.errors import UserInputError
from sobria.store import open_store
from tests.analytics.conftest import partitioned, stored

# reformulation 99 (was 26): the generator writes no conversation id, and since h-waste the session
# stands for the conversation, so retry and same-thread content links now apply (chains.retry_links)
GOLDEN_REASONS = {"reformulation": 99, "regeneration": 2376, "unused-image": 624, "internal-image": 310,
                  "heavy-model-trivial": 15}
NOW = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, PartitionSet]:
    path = tmp_path_factory.mktemp("gen") / "sobria.db"
    store = stored(path, generate_events(30_000, load_catalog(), months=4))
    return path, partitioned(store, path)


@pytest.fixture(scope="module")
def time_sorted(generated: tuple[Path, PartitionSet], tmp_path_factory: pytest.TempPathFactory) -> PartitionSet:
    """The generated partitions in the layout written before the person layout: each month sorted
    by time, row groups of 128,000 rows, no layout in the metadata (person ranges are spilled)."""
    import shutil

    import polars as pl

    _, parts = generated
    old = PartitionSet(tmp_path_factory.mktemp("time-sorted") / "sobria.db.parquet")
    shutil.copytree(parts.root, old.root)
    for month in old.months():
        pl.read_parquet(old.path(month)).sort("ts_us", "event_id").write_parquet(
            old.path(month), compression="lz4", statistics=True, row_group_size=128_000)
        assert not old.person_sorted(month) and parts.person_sorted(month)
    return old


OPTIONS = [AuditOptions(), AuditOptions(split=dt.date(2025, 3, 17)),
           AuditOptions(start=dt.date(2025, 2, 10), end=dt.date(2025, 4, 3)),
           AuditOptions(team="commercial", split=dt.date(2025, 2, 1))]


# person ranges: one (the default size for 30,000 events), a few (each month read per range), many (spilled);
# months read whole (the default chunk for 7,500 events a month) or by chunks of 2,500 rows
SLICES = [(1_000_000, 12, 1_000_000), (9_000, 12, 2_500), (2_000, 1, 1_000_000), (2_000, 1, 2_500)]


@pytest.mark.parametrize("layout", ["person", "time"])
@pytest.mark.parametrize("slices", SLICES)
@pytest.mark.parametrize("options", OPTIONS)
def test_generated_store_same_json(generated: tuple[Path, PartitionSet], options: AuditOptions,
                                   slices: tuple[int, int, int], layout: str, request: pytest.FixtureRequest,
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """Both layouts: months by person (ranges read directly) and months by time (spilled past
    ``SPILL_AFTER`` ranges)."""
    from sobria.analytics import audit as module

    monkeypatch.setattr(module, "SLICE_EVENTS", slices[0])
    monkeypatch.setattr(module, "SPILL_AFTER", slices[1])
    monkeypatch.setattr(module, "CHUNK_ROWS", slices[2])
    path, parts = generated
    parts = parts if layout == "person" else request.getfixturevalue("time_sorted")
    store, catalog = open_store(f"sqlite:///{path}"), load_catalog()
    expected = run_audit(store, catalog, options, NOW)
    got = run_partitioned_audit(store, parts, catalog, options, NOW)
    assert expected is not None and got is not None
    assert differences(expected.to_json(), got.to_json()) == []
    if options == AuditOptions():   # chains were found (golden: the generator is seeded)
        assert got.waste.by_reason == GOLDEN_REASONS


@pytest.mark.parametrize("options", OPTIONS)
def test_demo_same_json(demo: tuple[Path, PartitionSet], options: AuditOptions) -> None:
    path, parts = demo
    store, catalog = open_store(f"sqlite:///{path}"), load_catalog()
    expected = run_audit(store, catalog, options, NOW)
    got = run_partitioned_audit(store, parts, catalog, options, NOW)
    assert expected is not None and got is not None
    assert differences(expected.to_json(), got.to_json()) == []


def test_small_team_refused_like_in_memory(generated: tuple[Path, PartitionSet]) -> None:
    path, parts = generated
    store = open_store(f"sqlite:///{path}")
    with pytest.raises(UserInputError) as err:
        run_partitioned_audit(store, parts, load_catalog(), AuditOptions(team="nobody"), NOW)
    assert err.value.key == "audit.team_too_small"


def test_empty_partitions_give_no_audit(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path / 's.db'}")
    assert run_partitioned_audit(store, PartitionSet(tmp_path), load_catalog(), AuditOptions(), NOW) is None


def test_person_ranges_cover_everyone_once() -> None:
    import polars as pl

    persons = pl.DataFrame({"person": [None, "a", "b", "c", "d", "e"], "events": [3, 5, 5, 5, 5, 5]})
    assert person_ranges(persons, 10) == [(None, "c"), ("c", "e"), ("e", None)]


def test_audit_store_reads_partitions_only_when_they_hold_every_event(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import polars as pl

    from sobria.analytics import audit as module
    from sobria.store.store import BatchRecord
    from sobria.store.tables import event_column_names

    catalog = load_catalog()
    frame = generate_events(1_000, catalog, months=2)
    store = stored(tmp_path / "s.db", frame.head(900))
    used: list[str] = []
    monkeypatch.setattr(module, "run_audit", lambda *a: used.append("memory"))
    monkeypatch.setattr(module, "run_partitioned_audit", lambda *a: used.append("partitions"))
    module.audit_store(store, catalog, AuditOptions(), NOW)              # no folder: in memory
    partitioned(store, tmp_path / "s.db")
    module.audit_store(store, catalog, AuditOptions(), NOW)              # partitions hold every event
    store.write_batch(BatchRecord("other", "gateway", "-", 0, 100, 0),   # written by another path
                      frame.tail(100).select(event_column_names()), [], [])
    module.audit_store(store, catalog, AuditOptions(), NOW)
    assert used == ["memory", "partitions", "memory"]
    files = tmp_path / "s.db.parquet" / "month=*" / "events.parquet"
    assert pl.scan_parquet(files).select(pl.len()).collect().item() == 900


def test_events_without_a_person_are_audited_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import polars as pl

    from sobria.analytics import audit as module

    catalog = load_catalog()
    frame = generate_events(4_000, catalog, months=3)
    frame = frame.with_columns(pl.when(pl.col("event_id").str.ends_with("7")).then(None)
                               .otherwise(pl.col("person")).alias("person"))
    store = stored(tmp_path / "s.db", frame)
    parts = partitioned(store, tmp_path / "s.db")
    monkeypatch.setattr(module, "SLICE_EVENTS", 500)      # several ranges, spilled
    monkeypatch.setattr(module, "SPILL_AFTER", 1)
    expected = run_audit(store, catalog, AuditOptions(), NOW)
    got = run_partitioned_audit(store, parts, catalog, AuditOptions(), NOW)
    assert expected is not None and got is not None
    assert got.kpis.totals.events == 4_000
    assert differences(expected.to_json(), got.to_json()) == []
    assert list(parts.root.glob(".spill-*")) == []     # the person slices' temporary files are gone


def test_each_person_falls_in_its_range() -> None:
    import polars as pl

    from sobria.analytics.spill import range_of_person

    persons = pl.DataFrame({"person": [None, "a", "b", "c", "d", "e"]})
    ranges = person_ranges(persons.with_columns(pl.lit(5).alias("events")), 10)
    assert ranges == [(None, "c"), ("c", "e"), ("e", None)]
    assert range_of_person(persons, ranges).rows() == [("a", 0), ("b", 0), ("c", 1), ("d", 1), ("e", 2)]
    assert range_of_person(persons, [(None, None)]).rows() == [("a", 0), ("b", 0), ("c", 0), ("d", 0), ("e", 0)]


@pytest.mark.parametrize(("slices", "layout"), [((9_000, 12, 1_000_000), "person"), ((2_000, 1, 1_000_000), "person"),
                                               ((2_000, 1, 1_000_000), "time"), ((2_000, 1, 2_500), "time")])
def test_worker_processes_give_the_same_json(generated: tuple[Path, PartitionSet], slices: tuple[int, int, int],
                                             layout: str, request: pytest.FixtureRequest,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    from sobria.analytics import audit as module

    monkeypatch.setattr(module, "SLICE_EVENTS", slices[0])
    monkeypatch.setattr(module, "SPILL_AFTER", slices[1])
    monkeypatch.setattr(module, "CHUNK_ROWS", slices[2])   # carried by the tasks to the spawned workers
    monkeypatch.setattr(module, "POOL_EVENTS", 0)       # two spawned workers, months read per range or spilled
    path, parts = generated
    parts = parts if layout == "person" else request.getfixturevalue("time_sorted")
    store, catalog = open_store(f"sqlite:///{path}"), load_catalog()
    options = AuditOptions(split=dt.date(2025, 3, 17))
    expected = run_audit(store, catalog, options, NOW)
    got = run_partitioned_audit(store, parts, catalog, options, NOW)
    assert expected is not None and got is not None
    assert differences(expected.to_json(), got.to_json()) == []
    assert got.waste.by_reason == GOLDEN_REASONS
    assert not list(parts.root.glob(".spill-*"))


def _scan(parts: PartitionSet, chunk_rows: int, team: str | None = None) -> Scan:
    months = parts.months()
    start, end = parts.bounds_us()
    return Scan(parts, months, start, end + 1, team, chunk_rows)


@pytest.mark.parametrize("team", [None, "commercial"])
def test_spilled_chunks_give_the_direct_slices(time_sorted: PartitionSet, team: str | None) -> None:
    """Months in the old layout (by time) split by range a chunk of rows at a time: each range's
    frame is, row for row, the one read directly from the partitions (the first range with the
    events without a person)."""
    from sobria.analytics.spill import spilled_slices

    parts = time_sorted
    scan = _scan(parts, 1_000, team)
    _, persons, _ = scan.first_pass(None)
    ranges = person_ranges(persons, 500)
    assert len(ranges) > 3
    spilled = spilled_slices(scan.chunks, scan.months, persons, ranges, parts.root, scan.empty())
    for index, (frame, (low, high)) in enumerate(zip(spilled, ranges, strict=True)):
        if index == 0:   # several files per month: the months were read by chunks
            files = list(parts.root.glob(".spill-*/r00000/*.parquet"))
            assert len({f.name.split("-")[0] for f in files}) == len(scan.months) < len(files)
        assert frame.equals(scan.slice(low, high))
    assert not list(parts.root.glob(".spill-*"))


def test_first_pass_by_chunks_is_the_first_pass_by_months(generated: tuple[Path, PartitionSet]) -> None:
    """The same people in the same order (first team seen), pairs and cells; the cells' sums
    added chunk by chunk equal to a relative 1e-12."""
    import polars as pl

    _, parts = generated
    split = dt.date(2025, 3, 17)
    whole, chunked = _scan(parts, 1_000_000).first_pass(split), _scan(parts, 1_000).first_pass(split)
    assert chunked[1].equals(whole[1])
    assert chunked[2].sort("team", "person").equals(whole[2].sort("team", "person"))
    keys = ["team", "tool", "model", "month", "tier", "impact_status", "after"]
    a, b = (c.group_by(keys).agg(pl.exclude(keys).sum()).sort(keys, nulls_last=True) for c in (whole[0], chunked[0]))
    assert a.select(keys).equals(b.select(keys))
    for column in a.columns[len(keys):]:
        assert all(x == pytest.approx(y, rel=1e-12) for x, y in zip(a[column], b[column], strict=True))


@pytest.mark.parametrize("team", [None, "commercial"])
def test_person_layout_reads_the_time_sorted_slices(generated: tuple[Path, PartitionSet], time_sorted: PartitionSet,
                                                     team: str | None) -> None:
    """Months by person, then time: each range's frame is, row for row, the one read from the
    months sorted by time; the first pass gives the same people (requests, events, first team seen)
    and the same pairs; many ranges are read directly, never spilled."""
    _, parts = generated
    new, old = _scan(parts, 1_000, team), _scan(time_sorted, 1_000, team)
    _, persons, pairs = new.first_pass(None)
    _, old_persons, old_pairs = old.first_pass(None)
    assert persons.sort("person").equals(old_persons.sort("person"))   # order: of first appearance in the files
    assert pairs.sort("team", "person").equals(old_pairs.sort("team", "person"))
    ranges = person_ranges(persons, 500 if team is None else 100)
    assert len(ranges) > 12 and not new.spills(ranges) and old.spills(ranges)
    for low, high in ranges:
        frame = new.slice(low, high)
        assert frame.height > 0 and frame.equals(old.slice(low, high))
    assert sum(new.slice(low, high).height for low, high in ranges) == persons["events"].sum()


def test_first_pass_formats_the_month_of_events_outside_their_partition(generated: tuple[Path, PartitionSet],
                                                                          tmp_path: Path) -> None:
    """The cube takes a partition's month as a constant; a partition holding another month's events
    (not written by PartitionSet) has each event's own month, as before."""
    import shutil

    import polars as pl

    _, parts = generated
    odd = PartitionSet(tmp_path / "sobria.db.parquet")
    shutil.copytree(parts.root, odd.root)
    first, second = odd.months()[:2]
    moved = pl.read_parquet(odd.path(second)).head(50)
    pl.concat([pl.read_parquet(odd.path(first)), moved]).write_parquet(odd.path(first))
    cube, _, _ = _scan(odd, 1_000_000).first_pass(None)
    months = cube.group_by("month").agg(pl.col("events").sum()).sort("month")
    expected = pl.concat([pl.scan_parquet(odd.path(m)).select(pl.col("ts").dt.strftime("%Y-%m").alias("month"))
                          for m in odd.months()]).group_by("month").agg(pl.len().alias("events")).sort("month")
    assert months.equals(expected.collect().cast(months.schema))
