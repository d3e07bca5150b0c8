"""Retention of raw events: only the last months kept, in the store and in the month partitions,
while the rollups (day × team × tool × model × tier, people per month) stay, so that reports and
the dashboard keep every month. Whole calendar months are dropped (a partition is a month)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sobria.analytics.partitions import PartitionSet, month_bounds_us, month_key
from sobria.errors import Location, UserInputError
from sobria.store import Store


@dataclass(frozen=True)
class RetentionResult:
    cutoff: str               # first month kept (YYYY-MM)
    months_dropped: tuple[str, ...]
    events_dropped: int       # raw events deleted from the store


def first_kept_month(today: dt.date, months: int) -> str:
    """With ``months`` months kept, the first one kept: ``today``'s month counts as one."""
    if months < 1:
        raise UserInputError("analytics.bad_retention", {"value": months}, Location(parameter="--months"))
    index = today.year * 12 + today.month - 1 - (months - 1)
    return month_key(dt.date(index // 12, index % 12 + 1, 1))


def apply_retention(store: Store, partitions: PartitionSet | None, months: int, today: dt.date) -> RetentionResult:
    """Delete the raw events before the retention window (store first, then partitions: a crash in
    between leaves partitions holding more than the store, which makes the audit read the store)."""
    cutoff = first_kept_month(today, months)
    start_us, _ = month_bounds_us(cutoff)
    deleted = store.delete_events_before(start_us)
    dropped: list[str] = []
    if partitions is not None:
        for month in partitions.months():
            if month < cutoff:
                partitions.drop(month)
                dropped.append(month)
    return RetentionResult(cutoff, tuple(dropped), deleted)
