"""Events for analysis in Parquet files, one per month, beside the store (the control plane).

A partition is ``<root>/month=YYYY-MM/events.parquet`` holding that month's events with the
columns and dtypes :meth:`Store.read_events` returns, each ``event_id`` once, sorted by person then
time (``LAYOUT``: ``person``, ``ts_us``, ``event_id``) in row groups of ``ROW_GROUP`` rows with
statistics, so that the events of a range of people are read from the few row groups holding them
(the others are skipped on their ``person`` bounds). The file's metadata names the layout
(``LAYOUT_KEY``); a month written before it (sorted by time) is still read, its ranges spilled.
Writing merges with what the partition holds (an event already there is kept, as the store keeps
the first copy), writes a temporary file in the same folder and renames it over
the partition: a reader sees the old month or the new one, never half of either. The month's
rollups (:mod:`sobria.analytics.rollups`) are rewritten with it.

The folder is ``<store file>.parquet/`` for a SQLite store; an install without it works as
before (the audit reads the store). See docs/scale.md.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from sobria.analytics import rollups
from sobria.analytics.rollups import DAILY, KINDS, PEOPLE, STATUSES, rollup_path
from sobria.store import Store, event_column_names

FILE = "events.parquet"
SUFFIX = ".parquet"
ORDER = ("ts_us", "event_id")               # time order: the audit's slices, the store's reads
LAYOUT = ("person", "ts_us", "event_id")    # a month partition's rows: person ranges are contiguous
LAYOUT_KEY = "sobria.layout"
LAYOUT_METADATA = {LAYOUT_KEY: ",".join(LAYOUT)}
ROW_GROUP = 65_536                          # rows per row group: a range read skips the others


def month_key(day: dt.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def month_bounds_us(month: str) -> tuple[int, int]:
    """[start, end) of a month (``YYYY-MM``) in microseconds since the epoch, UTC."""
    year, mon = (int(x) for x in month.split("-"))
    start = dt.datetime(year, mon, 1, tzinfo=dt.UTC)
    end = dt.datetime(year + mon // 12, mon % 12 + 1, 1, tzinfo=dt.UTC)
    return int(start.timestamp()) * 1_000_000, int(end.timestamp()) * 1_000_000


def months_between(first: dt.date, last: dt.date) -> list[str]:
    """Every month from ``first``'s to ``last``'s, inclusive."""
    out, year, mon = [], first.year, first.month
    while (year, mon) <= (last.year, last.month):
        out.append(f"{year:04d}-{mon:02d}")
        year, mon = year + mon // 12, mon % 12 + 1
    return out


def event_dtypes() -> dict[str, pl.DataType]:
    """The partition's columns (the store's) and their dtypes, ``ts`` aside."""
    from sobria.events.schema import schema

    dtypes = {("ts_us" if name == "ts" else name): (pl.Int64() if name == "ts" else dtype)
              for name, dtype in schema(with_impacts=True).items()}
    return {name: dtypes.get(name, pl.Utf8()) for name in event_column_names()}


def store_shaped(frame: pl.DataFrame) -> pl.DataFrame:
    """The store's columns in its order, then ``ts`` (UTC) from ``ts_us``: what ``read_events`` gives."""
    return frame.select(event_column_names()).with_columns(
        pl.from_epoch("ts_us", time_unit="us").dt.replace_time_zone("UTC").alias("ts"))


@dataclass(frozen=True)
class PartitionSet:
    root: Path

    @staticmethod
    def beside(store: Store) -> PartitionSet | None:
        """The partitions of a SQLite store when their folder exists (created by ``enable``)."""
        file = store.sqlite_file()
        root = None if file is None else Path(str(file) + SUFFIX)
        return PartitionSet(root) if root is not None and root.is_dir() else None

    @staticmethod
    def enable(store_file: Path) -> PartitionSet:
        root = Path(str(store_file) + SUFFIX)
        root.mkdir(exist_ok=True)
        return PartitionSet(root)

    def path(self, month: str) -> Path:
        return self.root / f"month={month}" / FILE

    def months(self) -> list[str]:
        return sorted(p.parent.name.removeprefix("month=") for p in self.root.glob(f"month=*/{FILE}"))

    def scan(self, month: str) -> pl.LazyFrame:
        return pl.scan_parquet(self.path(month))

    def month_count(self, month: str) -> int:
        """Events in one month's partition (0 when it has none), from the file's metadata."""
        path = self.path(month)
        return int(pl.scan_parquet(path).select(pl.len()).collect().item()) if path.exists() else 0

    def count(self) -> int:
        """Events in every partition (from the files' metadata)."""
        months = self.months()
        return int(self.scan_all(months).select(pl.len()).collect().item()) if months else 0

    def bounds_us(self) -> tuple[int, int]:
        """The first and last event's ``ts_us`` (row-group statistics)."""
        low, high = self.scan_all().select(pl.col("ts_us").min(), pl.col("ts_us").max().alias("high")).collect().row(0)
        return int(low), int(high)

    def scan_all(self, months: Iterable[str] | None = None) -> pl.LazyFrame:
        chosen = self.months() if months is None else [m for m in months if self.path(m).exists()]
        return pl.scan_parquet([self.path(m) for m in chosen])

    def write(self, frame: pl.DataFrame) -> dict[str, int]:
        """Add ``frame``'s events (store columns, with ``ts_us``) to their months; return, per
        month touched, how many events were new."""
        if frame.height == 0:
            return {}
        shaped = store_shaped(frame)
        key = _month_number(pl.col("ts"))
        added: dict[str, int] = {}
        numbers = shaped.select(key.unique().sort()).to_series().to_list()
        ordered = len(numbers) > 1 and is_ordered(shaped)
        for number in numbers:
            month = f"{number // 100:04d}-{number % 100:02d}"
            if len(numbers) == 1:
                part = shaped
            elif ordered:     # in time order (most exports): each month is a contiguous slice, no copy
                low, high = (int(shaped["ts_us"].search_sorted(us, side="left")) for us in month_bounds_us(month))
                part = shaped.slice(low, high - low)
            else:
                part = shaped.filter(key == number)
            added[month] = self._merge(month, part)
        return added

    def replace(self, month: str, frame: pl.DataFrame) -> None:
        """The month's partition becomes ``frame`` (deduplicated and sorted); none when empty."""
        if frame.height == 0:
            for path in (self.path(month), *(rollup_path(self.root, kind, month) for kind in KINDS)):
                path.unlink(missing_ok=True)
            return
        self._store(month, store_shaped(frame).unique("event_id", keep="first", maintain_order=True))

    def person_sorted(self, month: str) -> bool:
        """The month's partition is in ``LAYOUT`` (its metadata says so): a range of people is
        read from its row groups alone."""
        path = self.path(month)
        return path.exists() and pl.read_parquet_metadata(path).get(LAYOUT_KEY) == LAYOUT_METADATA[LAYOUT_KEY]

    def drop(self, month: str) -> int:
        """Retention: the month's raw events deleted, its rollups kept; returns the events dropped."""
        path = self.path(month)
        if not path.exists():
            return 0
        count = int(pl.scan_parquet(path).select(pl.len()).collect().item())
        path.unlink()
        path.parent.rmdir()
        return count

    def refresh(self, store: Store, months: Iterable[str]) -> None:
        """Rewrite ``months`` from the store (which stays the reference)."""
        for month in months:
            start, end = month_bounds_us(month)
            self.replace(month, store.read_events(start=start, end=end))

    def _merge(self, month: str, new: pl.DataFrame) -> int:
        if new["event_id"].n_unique() < new.height:
            new = new.unique("event_id", keep="first", maintain_order=True)
        target = self.path(month)
        if target.exists():   # the month's events stay; only new ids are added
            old = pl.read_parquet(target)
            fresh = new.join(old.select("event_id"), on="event_id", how="anti")
            merged = pl.concat([old, fresh.select(old.columns).cast(old.schema)], how="vertical")
        else:
            fresh = merged = new
        if fresh.height:
            self._store(month, merged)
        return fresh.height

    def _store(self, month: str, frame: pl.DataFrame) -> None:
        """The month's partition (``frame`` in ``LAYOUT``), then its rollups (each file replaced whole)."""
        self._atomic_write(self.path(month), frame if in_layout(frame) else frame.sort(LAYOUT), LAYOUT_METADATA)
        lazy = frame.lazy()
        self._atomic_write(rollup_path(self.root, DAILY, month), rollups.daily(lazy).collect())
        self._atomic_write(rollup_path(self.root, PEOPLE, month), rollups.people(lazy, month).collect())
        self._atomic_write(rollup_path(self.root, STATUSES, month), rollups.statuses(lazy).collect())

    @staticmethod
    def _atomic_write(target: Path, frame: pl.DataFrame, metadata: dict[str, str] | None = None) -> None:
        with atomic_target(target) as tmp:
            frame.write_parquet(tmp, compression="lz4", statistics=True, row_group_size=ROW_GROUP, metadata=metadata)


@contextmanager
def atomic_target(target: Path) -> Iterator[Path]:
    """A temporary file beside ``target`` to write, renamed over it when the block ends (removed if it fails)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(prefix=".tmp-", suffix=SUFFIX, dir=target.parent)
    os.close(handle)
    tmp = Path(name)
    try:
        yield tmp
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_blocks(target: Path, blocks: Iterable[pl.DataFrame]) -> int:
    """A month partition too large for memory, written from ``blocks`` of consecutive people (each
    in ``LAYOUT``, the blocks in person order), one at a time, atomically; returns the rows written."""
    import pyarrow.parquet as pq  # type: ignore[import-untyped]

    rows = 0
    with atomic_target(target) as tmp:
        writer: pq.ParquetWriter | None = None
        try:
            for block in blocks:
                table = block.to_arrow()
                if writer is None:
                    schema = table.schema.with_metadata({k.encode(): v.encode() for k, v in LAYOUT_METADATA.items()})
                    writer = pq.ParquetWriter(tmp, schema, compression="lz4", write_statistics=True)
                writer.write_table(table.cast(writer.schema), row_group_size=ROW_GROUP)
                rows += block.height
        finally:
            if writer is not None:
                writer.close()
    return rows


def _month_number(ts: pl.Expr) -> pl.Expr:
    """YYYYMM as an integer (cheaper than formatting a string per event)."""
    return ts.dt.year().cast(pl.Int32) * 100 + ts.dt.month().cast(pl.Int32)


def in_layout(frame: pl.DataFrame) -> bool:
    """Already sorted by ``LAYOUT`` (person, nulls first, then time and id): no sort needed."""
    person, ts, ids = pl.col("person"), pl.col("ts_us"), pl.col("event_id")
    before, same = person.shift(1), person.eq_missing(person.shift(1))
    later = (ts > ts.shift(1)) | ((ts == ts.shift(1)) & (ids > ids.shift(1)))
    ordered = (person.is_not_null() & before.is_null()) | (person > before) | (same & later)
    return frame.height < 2 or bool(frame.select(ordered.slice(1).fill_null(False).all()).item())


def time_ordered(frame: pl.DataFrame) -> pl.DataFrame:
    """``frame`` sorted by ``ORDER``: as it is when it already is; else sorted on ``ts_us`` alone
    (an integer: several times cheaper than with the ids), which is the order when no two events
    share a time (checked); else by ``ORDER``. The same rows, for less CPU: the columns made
    contiguous first (a range read from several row groups and months comes in as many chunks, and
    gathering rows across chunks costs several times more than the copy), and with one engine
    thread (a worker process) the sort's single-threaded path (the multithreaded one costs more
    there). Together about half the CPU of ``frame.sort("ts_us")`` on a 500,000-event range."""
    if is_ordered(frame):
        return frame
    threaded = pl.thread_pool_size() > 1
    frame = frame.rechunk()
    by_time = frame.sort("ts_us", multithreaded=threaded)
    return by_time if is_ordered(by_time) else frame.sort(ORDER, multithreaded=threaded)


def is_ordered(frame: pl.DataFrame) -> bool:
    """Already sorted by (``ts_us``, ``event_id``), as most exports and every partition are: no sort needed."""
    ts, ids = pl.col("ts_us"), pl.col("event_id")
    previous_ts, previous_id = ts.shift(1), ids.shift(1)
    ordered = (ts > previous_ts) | ((ts == previous_ts) & (ids > previous_id))
    return bool(frame.select(ordered.fill_null(True).all()).item())
