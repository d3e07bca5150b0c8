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
    buckets = range_of_person(persons, ranges).lazy()
    with tempfile.TemporaryDirectory(prefix=".spill-", dir=folder) as tmp:
        for i, month in enumerate(months):
            split = (month_frame(month).join(buckets, on="person", how="left", maintain_order="left")
                     .with_columns(pl.col(BUCKET).fill_null(0)))
            split.sink_parquet(pl.PartitionBy(Path(tmp) / f"m{i:05d}", key=BUCKET, include_key=False),
                               compression="lz4", mkdir=True)
        empty = month_frame(months[0]).head(0).collect() if months else pl.DataFrame()
        for index in range(len(ranges)):
            files = sorted(Path(tmp).glob(f"m*/{BUCKET}={index}/*.parquet"))
            if not files:
                yield empty
                continue
            frame = pl.scan_parquet(files).collect()
            yield frame if is_ordered(frame) else frame.sort(ORDER)
