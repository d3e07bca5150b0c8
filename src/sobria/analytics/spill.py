"""The person slices of the whole period with every month read once: each month is read in
chunks of consecutive rows (``ts_us`` order), each chunk's events are put in range order (a
stable sort: time order kept within a range) and written as one file per range, then each range's
files are read together. Memory is bounded by one chunk, whatever the month's size or the number
of ranges. Reading every month once per range instead grows with the number of ranges, which
grows with the events (ranges are of a bounded number of events)."""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path

import polars as pl

from sobria.analytics.partitions import time_ordered

Range = tuple[str | None, str | None]
BUCKET = "_range"


def range_of_person(persons: pl.DataFrame, ranges: Sequence[Range]) -> pl.DataFrame:
    """Each known person and the index of the range holding them (ranges are consecutive)."""
    lows = pl.Series([low for low, _ in ranges[1:]], dtype=pl.Utf8)
    known = persons.select("person").filter(pl.col("person").is_not_null())
    index = lows.search_sorted(known["person"], side="right") if lows.len() else pl.repeat(0, known.height, eager=True)
    return known.with_columns(pl.Series(BUCKET, index).cast(pl.UInt32))


def spilled_slices(month_chunks: Callable[[str], Iterable[pl.LazyFrame]], months: Sequence[str],
                   persons: pl.DataFrame, ranges: Sequence[Range], folder: Path, empty: pl.DataFrame
                   ) -> Iterator[pl.DataFrame]:
    """One frame per range (events sorted by time), in the order of ``ranges``; the first range
    also holds the events without a person (``empty`` for a range without events)."""
    buckets = range_of_person(persons, ranges)
    with tempfile.TemporaryDirectory(prefix=".spill-", dir=folder) as tmp:
        for i, month in enumerate(months):
            spill_month(month_chunks(month), buckets, Path(tmp), i)
        for index in range(len(ranges)):
            yield range_frame(Path(tmp), index, empty)


def spill_month(chunks: Iterable[pl.LazyFrame], buckets: pl.DataFrame, folder: Path, number: int) -> None:
    """The month's events (``chunks``: consecutive rows, in time order) split by range
    (``buckets``: :func:`range_of_person`; events without a known person go to the first) into
    ``folder/r<range>/m<number>-c<chunk>.parquet`` (``number``: the month's place in the period,
    so that a range's files sort in time order)."""
    for chunk_number, lazy in enumerate(chunks):
        chunk = lazy.collect()
        bucket = chunk.select("person").join(buckets, on="person", how="left", maintain_order="left")
        ordered = chunk.with_columns(bucket[BUCKET].fill_null(0)).sort(BUCKET, maintain_order=True)
        del chunk
        offset = 0
        for index, rows in ordered.group_by(BUCKET, maintain_order=True).len().iter_rows():
            target = folder / f"r{index:05d}"
            target.mkdir(exist_ok=True)
            ordered.slice(offset, rows).drop(BUCKET).write_parquet(
                target / f"m{number:05d}-c{chunk_number:05d}.parquet", compression="lz4")
            offset += rows
        del ordered    # before the next chunk is read: one chunk in memory (twice while it is sorted)


def range_frame(folder: Path, index: int, empty: pl.DataFrame) -> pl.DataFrame:
    """The events of range ``index`` from every spilled month (``empty`` when none), sorted by time."""
    files = sorted((folder / f"r{index:05d}").glob("*.parquet"))
    if not files:
        return empty
    return time_ordered(pl.scan_parquet(files).collect())
