"""Turning the analysis copy of the events on for a store: the month partitions beside a SQLite
file, or the ClickHouse table an analytics URL names, filled from the store month by month."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sobria.analytics.partitions import PartitionSet, month_bounds_us, months_between
from sobria.errors import Location, UserInputError
from sobria.store import Store, event_column_names


@dataclass(frozen=True)
class Enabled:
    where: str
    events: int
    months: int


def _months(store: Store) -> list[str]:
    low, high = store.event_span_us()
    if low is None or high is None:
        return []
    first, last = (dt.datetime.fromtimestamp(us / 1e6, tz=dt.UTC).date() for us in (low, high))
    return months_between(first, last)


def enable_partitions(store: Store) -> Enabled:
    """Create the partitions folder beside the SQLite store and write every month of the store."""
    file = store.sqlite_file()
    if file is None:
        raise UserInputError("analytics.partitions_need_sqlite", {}, Location(parameter="SOBRIA_DB"))
    partitions = PartitionSet.enable(file)
    months = _months(store)
    partitions.refresh(store, months)
    return Enabled(str(partitions.root), partitions.count(), len(partitions.months()))


def enable_clickhouse(store: Store, url: str) -> Enabled:
    """Create the events table on ClickHouse and copy the store's events (idempotent)."""
    from sobria.analytics.clickhouse import ClickHouseEvents, connect

    connection = connect(url)
    try:
        events = ClickHouseEvents(connection)
        events.create()
        for month in _months(store):
            start, end = month_bounds_us(month)
            events.write(store.read_events(start=start, end=end).select(event_column_names()))
        return Enabled(url, events.count(), len(events.months()))
    finally:
        connection.close()
