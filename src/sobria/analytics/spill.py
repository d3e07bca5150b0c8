"""The person slices of the whole period with every month read once: each month's events are
split by person range into temporary Parquet files (streamed, never a whole month in memory),
then each range's files are read together. Reading every month once per range instead grows with
the number of ranges, which grows with the events (ranges are of a bounded number of events)."""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import polars as pl

from sobria.analytics.partitions import ORDER, is_ordered

Range = tuple[str | None, str | None]
BUCKET = "_range"


def range_of_person(persons: pl.DataFrame, ranges: Sequence[Range]) -> pl.DataFrame:
    """Each known person and the index of the range holding them (ranges are consecutive)."""
    lows = pl.Series([low for low, _ in ranges[1:]], dtype=pl.Utf8)
    known = persons.select("person").filter(pl.col("person").is_not_null())
    index = lows.search_sorted(known["person"], side="right") if lows.len() else pl.repeat(0, known.height, eager=True)
    return known.with_columns(pl.Series(BUCKET, index).cast(pl.UInt32))


def spilled_slices(month_frame: Callable[[str], pl.LazyFrame], months: Sequence[str], persons: pl.DataFrame,
                   ranges: Sequence[Range], folder: Path) -> Iterator[pl.DataFrame]:
    """One frame per range (events sorted by time), in the order of ``ranges``; the first range
    also holds the events without a person."""
    buckets = range_of_person(persons, ranges)
    with tempfile.TemporaryDirectory(prefix=".spill-", dir=folder) as tmp:
        for i, month in enumerate(months):
            spill_month(month_frame(month), buckets, Path(tmp), i)
        empty = month_frame(months[0]).head(0).collect() if months else pl.DataFrame()
        for index in range(len(ranges)):
            yield range_frame(Path(tmp), index, empty)


def spill_month(month: pl.LazyFrame, buckets: pl.DataFrame, folder: Path, number: int) -> None:
    """The month's events split by range (``buckets``: :func:`range_of_person`) into files under
    ``folder`` (``number``: the month's place in the period, so that files sort in time order)."""
    split = (month.join(buckets.lazy(), on="person", how="left", maintain_order="left")
             .with_columns(pl.col(BUCKET).fill_null(0)))
    split.sink_parquet(pl.PartitionBy(folder / f"m{number:05d}", key=BUCKET, include_key=False),
                       compression="lz4", mkdir=True)


def range_frame(folder: Path, index: int, empty: pl.DataFrame) -> pl.DataFrame:
    """The events of range ``index`` from every spilled month (``empty`` when none), sorted by time."""
    files = sorted(folder.glob(f"m*/{BUCKET}={index}/*.parquet"))
    if not files:
        return empty
    frame = pl.scan_parquet(files).collect()
    return frame if is_ordered(frame) else frame.sort(ORDER)
