"""Events given one by one as rows (the gateway's journal): the canonical frame, checked as any import.

The frame is built by the import's own builder (:func:`sobria.events.schema.conform`) and checked by
its validation (:func:`sobria.ingest.validate.validate` with the same :class:`EventLimits`), so an
event the gateway recorded and one imported from a file obey the same rules. A row carries its
timestamp as ``ts_us`` (integer microseconds, UTC), its impact columns (computed when the request
was answered) and its ``batch_id``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

import polars as pl

from sobria.events.schema import EVENT_COLUMNS, IMPACT_COLUMNS, conform
from sobria.ingest.limits import EventLimits
from sobria.ingest.parsed import RowError
from sobria.ingest.validate import validate

_INPUT: dict[str, Any] = {c.name: c.dtype for c in (*EVENT_COLUMNS, *IMPACT_COLUMNS) if c.name != "ts"}
_IMPACTS = [c.name for c in IMPACT_COLUMNS]


def event_rows(rows: Sequence[Mapping[str, Any]], file: str, lines: Sequence[int], now: datetime,
               limits: EventLimits | None = None) -> tuple[pl.DataFrame, list[RowError]]:
    """The valid rows as store columns (``ts_us``, the events' columns, impacts, ``batch_id``) and the
    errors of the others, each at ``file`` and its line in ``lines``."""
    data = {name: [row.get(name) for row in rows] for name in _INPUT}
    frame = pl.DataFrame(data, schema=_INPUT).with_columns(
        pl.Series("ts", [row.get("ts_us") for row in rows], dtype=pl.Int64).cast(pl.Datetime("us", "UTC")))
    canonical = conform(frame).with_columns(
        *frame.select(_IMPACTS).get_columns(), pl.Series("batch_id", [row.get("batch_id") or "gateway" for row in rows],
                                          dtype=pl.Utf8),
        pl.Series("_line", list(lines), dtype=pl.Int64), pl.lit(file).alias("_file"))
    valid, errors = validate(canonical, (), None, limits, now)
    stored = valid.with_columns(pl.col("ts").dt.epoch("us").alias("ts_us")).drop("ts", "_line", "_file")
    return stored, errors
