"""The dashboard's query layer: aggregated figures with privacy enforced here, not in templates.

Every figure comes from the rollup (sums per person, team, tool, model, tier and month), read once
per data version of the store and kept in a :class:`FigureCache`. A grouped table never shows a
group of fewer than ``min_group`` distinct people: such rows are merged into one masked row, and
the smallest shown rows join it until it reaches ``min_group`` people too (so a row cannot be
recovered by subtracting the shown rows from the table's total); a whole selection under the
minimum gives no figure at all. Nothing is grouped or listed by person, except one person's own.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from sobria.privacy.groups import MIN_GROUP
from sobria.store.web_store import WebStore

DIMENSIONS = ("team", "tool", "model", "month", "tier")
MASKED = "*"
MEASURED_TIER = "measured"
MAX_CACHED = 512  # values kept per data version (filters are chosen by visitors: the cache stays bounded)


Job = Callable[[], None]


@dataclass
class FigureCache:
    """Computed values keyed by (name, data version): a new import invalidates everything at once.

    The slow figures (the audit, a month's charter replay: minutes at millions of events) are
    served stale-while-revalidate when a ``background`` runner is given (``sobria serve``): after
    a data change the last value is shown at once, flagged in ``pending`` while it is recomputed.
    """

    web: WebStore
    values: dict[tuple[Hashable, Hashable], Any] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    rollup_lock: threading.Lock = field(default_factory=threading.Lock)  # one rollup refresh at a time
    background: Callable[[Job], None] | None = None
    latest: dict[Hashable, Any] = field(default_factory=dict)   # a slow figure's last value, any version
    pending: set[Hashable] = field(default_factory=set)          # slow figures being recomputed

    def get(self, name: Hashable, compute: Callable[[], Any]) -> Any:
        key: tuple[Hashable, Hashable] = (name, self.web.data_version())
        with self.lock:
            if key in self.values:
                return self.values[key]
        value = compute()
        with self.lock:
            stale = [k for k in self.values if k[1] != key[1]]
            for k in stale:
                del self.values[k]
            while len(self.values) >= MAX_CACHED:
                del self.values[next(iter(self.values))]  # the oldest first
            self.values[key] = value
        return value

    def rollup(self) -> pl.DataFrame:
        def compute() -> pl.DataFrame:
            with self.rollup_lock:  # the months unchanged since the last read are kept, not read again
                read = self.web.usage_rollup(self.latest.get("rollup"))
                self.latest["rollup"] = read
                return with_central(read.frame)
        return self.get("rollup", compute)  # type: ignore[no-any-return]

    def slow(self, name: Hashable, compute: Callable[[], Any], first: Callable[[], Any] | None = None) -> Any:
        """The value of the current data version; with a runner, while it recomputes it: the last
        value, or ``first()`` (a "being computed" placeholder) when there is none yet."""
        key: tuple[Hashable, Hashable] = (name, self.web.data_version())
        with self.lock:
            if key in self.values:
                return self.values[key]
            known = name in self.latest
            later = self.background is not None and (known or first is not None)
            start = later and name not in self.pending
            if start:
                self.pending.add(name)
        if not later:
            return self._refresh(name, compute)
        if start and self.background is not None:
            self.background(lambda: self._refresh_quietly(name, compute))
        return self.latest[name] if known else first() if first is not None else None

    def _refresh(self, name: Hashable, compute: Callable[[], Any]) -> Any:
        value = self.get(name, compute)
        with self.lock:
            self.latest[name] = value
        return value

    def _refresh_quietly(self, name: Hashable, compute: Callable[[], Any]) -> None:
        try:
            self._refresh(name, compute)
        finally:
            with self.lock:
                self.pending.discard(name)


def with_central(rollup: pl.DataFrame) -> pl.DataFrame:
    return rollup.with_columns(gwp=(pl.col("gwp_kgco2e_min") + pl.col("gwp_kgco2e_max")).fill_null(0.0) / 2)


def select(rollup: pl.DataFrame, filters: Mapping[str, str]) -> pl.DataFrame:
    frame = rollup
    for name, value in filters.items():
        if name not in DIMENSIONS:
            raise ValueError(f"unknown dimension {name!r}")
        frame = frame.filter(pl.col(name) == value)
    return frame


_SUMS = (pl.col("request_count").sum().alias("requests"), pl.col("gwp_kgco2e_min").sum().alias("gwp_min"),
         pl.col("gwp_kgco2e_max").sum().alias("gwp_max"), pl.col("gwp").sum().alias("gwp"),
         pl.col("energy_kwh_min").sum().alias("energy_min"), pl.col("energy_kwh_max").sum().alias("energy_max"),
         pl.col("est_cost_eur").sum().alias("cost_eur"), pl.col("person").n_unique().alias("people"))


@dataclass(frozen=True)
class Table:
    """A grouped table safe to show: its rows (the masked one last) and their total."""

    by: str
    rows: list[dict[str, Any]]
    total: dict[str, Any] | None


def grouped(frame: pl.DataFrame, by: str, min_group: int = MIN_GROUP) -> Table:
    """``frame`` summed by ``by`` with every group under ``min_group`` people masked (see module doc)."""
    if frame.height == 0 or frame["person"].n_unique() < min_group:
        return Table(by, [], None)
    table = frame.group_by(by).agg(*_SUMS).sort("gwp", descending=True)
    keys = table[by].cast(pl.Utf8).fill_null("—").to_list()
    sizes = table["people"].to_list()
    masked = {k for k, n in zip(keys, sizes, strict=True) if n < min_group}
    shown = [k for k in keys if k not in masked]
    while masked and _people(frame, by, masked) < min_group and shown:
        masked.add(shown.pop())  # the smallest footprint joins the masked row
    if by == "month":
        shown.sort()  # a trend reads in time order; other tables by footprint, largest first
    rows = [_row(frame.filter(pl.col(by).cast(pl.Utf8).fill_null("—") == k), k) for k in shown]
    if masked and _people(frame, by, masked) >= min_group:
        rows.append(_row(frame.filter(pl.col(by).cast(pl.Utf8).fill_null("—").is_in(sorted(masked))), MASKED))
        return Table(by, rows, _row(frame, ""))
    kept = frame.filter(pl.col(by).cast(pl.Utf8).fill_null("—").is_in(shown))
    return Table(by, rows, _row(kept, "") if rows else None)


def _people(frame: pl.DataFrame, by: str, keys: set[str]) -> int:
    return int(frame.filter(pl.col(by).cast(pl.Utf8).fill_null("—").is_in(sorted(keys)))["person"].n_unique())


def _row(frame: pl.DataFrame, key: str) -> dict[str, Any]:
    sums = frame.select(*_SUMS).row(0, named=True)
    return {"key": key, **{k: (v if v is not None else 0) for k, v in sums.items() if k != "people"}}


def totals(frame: pl.DataFrame, min_group: int = MIN_GROUP) -> dict[str, Any] | None:
    """The selection's sums, or None when it holds fewer than ``min_group`` people."""
    if frame.height == 0 or frame["person"].n_unique() < min_group:
        return None
    return _row(frame, "")


def own_totals(frame: pl.DataFrame) -> dict[str, Any] | None:
    """One person's own sums (no minimum: it is their own data)."""
    return _row(frame, "") if frame.height else None


def measured_share(frame: pl.DataFrame) -> float | None:
    total = frame["request_count"].sum()
    if not total:
        return None
    return float(frame.filter(pl.col("tier") == MEASURED_TIER)["request_count"].sum()) / float(total)


def latest_month(rollup: pl.DataFrame, today: dt.date) -> str:
    """The month the overview opens on: the last month with data (the current one when there is none)."""
    if rollup.height == 0:
        return today.strftime("%Y-%m")
    return str(rollup["month"].max())


def parse_filters(query: Mapping[str, str]) -> dict[str, str]:
    """Only the known dimensions, non-empty, are filters; anything else is ignored."""
    return {name: query[name] for name in DIMENSIONS if query.get(name)}
