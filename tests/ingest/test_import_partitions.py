"""The import's fast path into the month partitions: when the store inserted every event of the
batch, the partitions are merged from the batch's own chunks (the store is not read back), and they
then hold exactly what the store holds; otherwise (some events already stored) the months touched
are read back from the store. SQLite row by row and through ADBC, in chunks of 2 rows."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pytest

from sobria.analytics import rollups
from sobria.analytics.partitions import PartitionSet, month_bounds_us
from sobria.catalog import Catalog
from sobria.store import Store
from tests.ingest.support import chunked_store, import_rows
from tests.ingest.test_import_rollup import FIRST, SECOND


@pytest.fixture(params=["sqlite", "sqlite-adbc"])
def ready(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Store]:
    with chunked_store(request, tmp_path, monkeypatch, request.param) as store:
        PartitionSet.enable(tmp_path / "sobria.db")
        yield store


@pytest.fixture
def read_back(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The months the partitions read back from the store (each call of ``PartitionSet.refresh``, which runs)."""
    months: list[str] = []
    refresh = PartitionSet.refresh

    def recorded(self: PartitionSet, store: Store, chosen: list[str]) -> None:
        months.extend(chosen)
        refresh(self, store, chosen)

    monkeypatch.setattr(PartitionSet, "refresh", recorded)
    return months


def _same_as_the_store(store: Store, parts: PartitionSet) -> None:
    for month in parts.months():
        start, end = month_bounds_us(month)
        stored = store.read_events(start=start, end=end)
        assert pl.read_parquet(parts.path(month)).equals(stored.sort("person", "ts_us", "event_id"))
        daily = pl.read_parquet(rollups.rollup_path(parts.root, rollups.DAILY, month))
        assert daily.equals(rollups.daily(stored.lazy()).collect())


def test_a_new_batch_goes_to_the_partitions_from_its_chunks(ready: Store, catalog: Catalog, tmp_path: Path,
                                                            read_back: list[str]) -> None:
    parts = PartitionSet.beside(ready)
    assert parts is not None
    assert import_rows(ready, catalog, tmp_path / "a", FIRST) == 5
    assert parts.months() == ["2025-02", "2025-03"] and read_back == []
    assert import_rows(ready, catalog, tmp_path / "b", SECOND) == 5     # merged into March, April new
    assert parts.months() == ["2025-02", "2025-03", "2025-04"] and read_back == []
    assert parts.count() == ready.count_events() == 10
    _same_as_the_store(ready, parts)
    before = {m: parts.path(m).read_bytes() for m in parts.months()}
    assert import_rows(ready, catalog, tmp_path / "a", FIRST) == 0      # a re-import: nothing to add, nothing read
    assert read_back == [] and {m: parts.path(m).read_bytes() for m in parts.months()} == before


def test_a_batch_partly_stored_already_reads_its_months_back(ready: Store, catalog: Catalog, tmp_path: Path,
                                                             read_back: list[str]) -> None:
    parts = PartitionSet.beside(ready)
    assert parts is not None
    assert import_rows(ready, catalog, tmp_path / "a", FIRST) == 5
    parts.path("2025-02").unlink()                                   # the partitions miss February's events
    assert import_rows(ready, catalog, tmp_path / "b", FIRST + SECOND) == 5   # the first five are stored already
    assert read_back == ["2025-02", "2025-03", "2025-04"]            # the months of the batch, from the store
    assert parts.count() == ready.count_events() == 10
    _same_as_the_store(ready, parts)
