"""The usage rollup's sums, exact so that they add up in any order (``web_rollup``).

Each event's value of a float column is rounded to a whole number of ``2**-40`` units (about 1e-12:
a nanogram of CO2e, a picolitre, a billionth of a cent) and the units are summed as integers, then
scaled back: a row's sum is a multiple of ``2**-40`` held exactly by a double below ``2**13``
(8,192 kg, kWh, litres or euros per person, cell and month), so adding rows gives the same bits
whatever their order or grouping. A month summed once (in SQL over its events) and the same month
summed batch by batch (in Polars over each import's chunks, :class:`BatchRollup`) therefore agree
bit for bit. ``request_count`` is an integer sum already. A sum over null values only is null, as
SQL's ``SUM`` gives.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import polars as pl
import sqlalchemy as sa

from sobria.store.web_tables import ROLLUP_KEYS, ROLLUP_SUMS

SCALE = float(2**40)
FLOAT_SUMS = tuple(c for c in ROLLUP_SUMS if c != "request_count")
_MONTH = "_month"


def sql_sum(dialect: str, column: sa.ColumnElement[Any]) -> sa.ColumnElement[Any]:
    """``SUM`` of ``column`` on the grid, in SQL: the same arithmetic as :func:`_units` (IEEE
    multiply and add, then truncation towards zero)."""
    value = column * SCALE + 0.5
    units = sa.cast(sa.func.trunc(value) if dialect == "postgresql" else value, sa.BigInteger)
    return sa.cast(sa.func.sum(units), sa.Float) / SCALE


def month_bounds_us(month: str) -> tuple[int, int]:
    """[start, end) of a month (``YYYY-MM``, UTC) in microseconds since the epoch."""
    start = dt.datetime.strptime(month + "-01", "%Y-%m-%d").replace(tzinfo=dt.UTC)
    end = (start + dt.timedelta(days=32)).replace(day=1)
    return int(start.timestamp()) * 1_000_000, int(end.timestamp()) * 1_000_000


def _units(name: str) -> pl.Expr:
    return (pl.col(name) * SCALE + 0.5).cast(pl.Int64)


def _sum_or_null(name: str) -> pl.Expr:
    return pl.when(pl.col(name).is_not_null().any()).then(pl.col(name).sum()).alias(name)


@dataclass
class BatchRollup:
    """A batch's contribution to the rollup, summed chunk by chunk as its events go by."""

    parts: list[pl.DataFrame] = field(default_factory=list)
    months: dict[str, int] = field(default_factory=dict)   # events of the batch per month
    _rows: pl.DataFrame | None = None                       # :meth:`rows`, once computed

    def add(self, chunk: pl.DataFrame) -> None:
        """Add a chunk of events (store columns, with ``ts_us``)."""
        if chunk.height == 0:
            return
        self._rows = None
        ts = pl.from_epoch("ts_us", time_unit="us")
        frame = chunk.select(
            (ts.dt.year().cast(pl.Int32) * 100 + ts.dt.month().cast(pl.Int32)).alias(_MONTH), *ROLLUP_KEYS,
            pl.col("request_count").cast(pl.Int64), *(_units(c) for c in FLOAT_SUMS))
        self.parts.append(frame.group_by(_MONTH, *ROLLUP_KEYS).agg(
            pl.col("request_count").sum(), *(_sum_or_null(c) for c in FLOAT_SUMS)))
        for number, count in frame.group_by(_MONTH).len().iter_rows():
            month = f"{number // 100:04d}-{number % 100:02d}"
            self.months[month] = self.months.get(month, 0) + int(count)

    @property
    def events(self) -> int:
        return sum(self.months.values())

    def appendable(self, covered: Mapping[str, int],
                   span: Callable[[int, int], tuple[int, int | None]]) -> list[tuple[str, int, int]]:
        """The months whose rows can simply be appended, once the batch's events are stored: those
        whose rollup was current before (``covered`` events, plus the batch's, are the month's
        events now, ``span(start_us, end_us)`` giving the count and newest ``ts_us``); each as
        (month, events, newest ``ts_us``), the month's new coverage. The others are left to a refresh.
        """
        out = []
        for month, new in sorted(self.months.items()):
            count, newest = span(*month_bounds_us(month))
            if covered.get(month, 0) + new == count and newest is not None:
                out.append((month, count, newest))
        return out

    def rows(self) -> pl.DataFrame:
        """The rollup rows of the batch: ``month``, the keys, then the sums (``web_rollup``'s columns).

        Computed once (the import computes them in its prefetch thread, after the last chunk)."""
        if self._rows is None:
            self._rows = self._summed()
        return self._rows

    def _summed(self) -> pl.DataFrame:
        schema = {"month": pl.Utf8(), **{k: pl.Utf8() for k in ROLLUP_KEYS}, "request_count": pl.Int64(),
                  **{c: pl.Float64() for c in FLOAT_SUMS}}
        if not self.parts:
            return pl.DataFrame(schema=schema)
        number = pl.col(_MONTH)
        summed = pl.concat(self.parts).group_by(_MONTH, *ROLLUP_KEYS).agg(
            pl.col("request_count").sum(), *(_sum_or_null(c) for c in FLOAT_SUMS))
        return summed.select(
            pl.format("{}-{}", (number // 100).cast(pl.Utf8).str.zfill(4),
                      (number % 100).cast(pl.Utf8).str.zfill(2)).alias("month"),
            *ROLLUP_KEYS, "request_count", *((pl.col(c).cast(pl.Float64) / SCALE).alias(c) for c in FLOAT_SUMS),
        ).select(list(schema)).cast(schema)  # type: ignore[arg-type]
