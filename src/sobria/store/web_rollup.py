"""The dashboard's usage rollup, kept current so that no page view scans the events.

``web_rollup`` holds event sums per person × team × tool × model × tier × month (UTC);
``web_rollup_months`` what each month's rows cover: the month's number of events when they were
summed and the newest ``ts_us`` among them. :func:`refresh_rollup` brings every month up to date
at the cost of what changed, the events' time index doing the work:

* a month whose event count is unchanged is skipped (one index-only count per month);
* a month that only grew by events newer than its newest one (the gateway's drain appends the
  current requests) gets the sums of those new events only, appended as more rows (the rollup's
  readers add rows up; a full refresh compacts them again);
* any other change (an import of older events, a deletion) re-sums the whole month, in the
  database (``INSERT ... SELECT ... GROUP BY`` over the month's time range).

Sums of float columns are exact (each event's value on a ``2**-40`` grid, :mod:`sobria.store.rollup_sums`),
so rows add up to the same bits in any order: appended rows equal a month summed again.

An import adds its batch's own sums (summed in Polars as its chunks go by) to each month whose
rollup was current, in the transaction that stores the events (:func:`add_batch`), then calls
:func:`refresh_rollup` for the rest (a re-import, a month not current before); the dashboard
calls it whenever the store's data version moves (the gateway drain writes without it), so a page
reads at most one month's changes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

import polars as pl
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from sobria.store.rollup_sums import BatchRollup, month_bounds_us, sql_sum
from sobria.store.tables import events
from sobria.store.web_tables import ROLLUP_KEYS, ROLLUP_SUMS, web_rollup, web_rollup_months

if TYPE_CHECKING:
    from sobria.store.store import Store


@dataclass(frozen=True)
class RefreshCounts:
    """How many months were skipped, extended with new events, or summed again."""

    unchanged: int = 0
    appended: int = 0
    rebuilt: int = 0
    dropped: int = 0
    changed: tuple[str, ...] = ()   # the months whose rows changed (appended, rebuilt or dropped)


def _months(first_us: int, last_us: int) -> Iterator[str]:
    day = dt.datetime.fromtimestamp(first_us / 1e6, dt.UTC).date().replace(day=1)
    last = dt.datetime.fromtimestamp(last_us / 1e6, dt.UTC).date()
    while day <= last:
        yield day.strftime("%Y-%m")
        day = (day + dt.timedelta(days=32)).replace(day=1)


def _sum_into_rollup(conn: Connection, month: str, start_us: int, end_us: int) -> None:
    keys = [events.c[k] for k in ROLLUP_KEYS]
    sums = [(sa.func.sum(events.c[c]) if c == "request_count" else sql_sum(conn.dialect.name, events.c[c])).label(c)
            for c in ROLLUP_SUMS]
    query = (sa.select(sa.literal(month).label("month"), *keys, *sums)
             .where(events.c.ts_us >= start_us, events.c.ts_us < end_us).group_by(*keys))
    conn.execute(sa.insert(web_rollup).from_select(["month", *ROLLUP_KEYS, *ROLLUP_SUMS], query))


def _span(conn: Connection, start_us: int, end_us: int) -> tuple[int, int | None]:
    count, newest = conn.execute(sa.select(sa.func.count(), sa.func.max(events.c.ts_us)).where(
        events.c.ts_us >= start_us, events.c.ts_us < end_us)).one()
    return int(count), (int(newest) if newest is not None else None)


def _write_lock(conn: Connection, dialect: str) -> None:
    """Take the write lock before reading the coverage, so that two refreshes never add the same events."""
    if dialect == "postgresql":
        conn.execute(sa.text("LOCK TABLE web_rollup_months IN EXCLUSIVE MODE"))
    else:  # SQLite: any write statement takes the database's write lock, even one changing no row
        conn.execute(sa.update(web_rollup_months).where(sa.false()).values(events=0))


def refresh_rollup(store: Store) -> RefreshCounts:
    """Bring ``web_rollup`` up to date with the events (see the module doc); one transaction."""
    unchanged = appended = rebuilt = dropped = 0
    changed: list[str] = []
    with store.engine.begin() as conn:
        _write_lock(conn, store.dialect)
        covered = {m: (int(n), int(ts)) for m, n, ts in conn.execute(sa.select(web_rollup_months))}
        first, last = conn.execute(sa.select(sa.func.min(events.c.ts_us), sa.func.max(events.c.ts_us))).one()
        months = list(_months(int(first), int(last))) if first is not None else []
        for month in set(covered) - set(months):
            conn.execute(sa.delete(web_rollup).where(web_rollup.c.month == month))
            conn.execute(sa.delete(web_rollup_months).where(web_rollup_months.c.month == month))
            dropped += 1
            changed.append(month)
        for month in months:
            start_us, end_us = month_bounds_us(month)
            count, newest = _span(conn, start_us, end_us)
            before = covered.get(month)
            if (before is not None and before[0] == count) or (before is None and count == 0):
                unchanged += 1
                continue
            grown = before is not None and before[0] + _span(conn, before[1] + 1, end_us)[0] == count
            if before is not None and grown:
                _sum_into_rollup(conn, month, before[1] + 1, end_us)
                appended += 1
            else:
                conn.execute(sa.delete(web_rollup).where(web_rollup.c.month == month))
                if count:
                    _sum_into_rollup(conn, month, start_us, end_us)
                rebuilt += 1
            changed.append(month)
            conn.execute(sa.delete(web_rollup_months).where(web_rollup_months.c.month == month))
            if count:
                conn.execute(sa.insert(web_rollup_months).values(month=month, events=count, max_ts_us=newest))
    return RefreshCounts(unchanged, appended, rebuilt, dropped, tuple(sorted(changed)))


def add_batch(conn: Connection, batch: BatchRollup) -> tuple[str, ...]:
    """Add a batch's contribution to the rollup, in the transaction that stored its events
    (:meth:`Store.write_chunks`; SQLite's ADBC path does the same in :mod:`sobria.store.sqlite_load`).

    ``batch`` must hold exactly the events the batch inserted. A month whose rollup was current
    before the batch gets the batch's rows appended (the sums are exact:
    :mod:`sobria.store.rollup_sums`) and its coverage moved; any other month is left to
    :func:`refresh_rollup`. Returns the months added to.
    """
    _write_lock(conn, conn.dialect.name)
    covered = {m: int(n) for m, n, _ts in conn.execute(sa.select(web_rollup_months))}
    months = batch.appendable(covered, partial(_span, conn))
    if not months:
        return ()
    rows = batch.rows()
    _insert_rows(conn, rows.filter(pl.col("month").is_in([m for m, _, _ in months])))
    conn.execute(sa.delete(web_rollup_months).where(web_rollup_months.c.month.in_([m for m, _, _ in months])))
    conn.execute(sa.insert(web_rollup_months), [{"month": m, "events": n, "max_ts_us": ts} for m, n, ts in months])
    return tuple(m for m, _, _ in months)


def _insert_rows(conn: Connection, rows: pl.DataFrame) -> None:
    """Rows of ``web_rollup`` (its columns, in order): ``executemany`` on SQLite, COPY on PostgreSQL."""
    if rows.height == 0:
        return
    columns = ", ".join(rows.columns)
    if conn.dialect.name == "sqlite":
        marks = ", ".join("?" for _ in rows.columns)
        conn.exec_driver_sql(f"INSERT INTO web_rollup ({columns}) VALUES ({marks})",
                             list(zip(*(column.to_list() for column in rows.iter_columns()), strict=True)))
        return
    raw = conn.connection.driver_connection
    assert raw is not None, "an open DBAPI connection"
    with raw.cursor() as cur, cur.copy(f"COPY web_rollup ({columns}) FROM STDIN WITH (FORMAT csv)") as copy:
        # a null is an empty unquoted field, an empty text is ""; floats written to round-trip exactly
        copy.write(rows.write_csv(include_header=False, null_value="", float_precision=None))


def read_coverage(store: Store) -> dict[str, tuple[int, int]]:
    """Month -> (events, newest ts_us) that the month's rollup rows cover."""
    with store.engine.connect() as conn:
        return {str(m): (int(n), int(ts)) for m, n, ts in conn.execute(sa.select(web_rollup_months))}


def read_rollup(store: Store, months: Sequence[str] | None = None) -> pl.DataFrame:
    """The rollup rows (of ``months``, or all; a cell may span several rows: sum them)."""
    schema: dict[str, pl.DataType] = {"month": pl.Utf8(), **{k: pl.Utf8() for k in ROLLUP_KEYS}}
    schema.update({c: (pl.Int64() if c == "request_count" else pl.Float64()) for c in ROLLUP_SUMS})
    columns = [web_rollup.c[name] for name in schema]
    query = sa.select(*columns)
    if months is not None:
        query = query.where(web_rollup.c.month.in_(list(months)))
    with store.engine.connect() as conn:
        rows = conn.execute(query).fetchall()
    return pl.DataFrame(rows, schema=schema, orient="row")
